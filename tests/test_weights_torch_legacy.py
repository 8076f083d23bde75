"""The legacy torch reader: refuses foreign code, reads the real checkpoint exactly (no TF)."""

import collections
import io
import os
import pickle
import sys
import types

import numpy as np
import pytest

from training.weights import source
from training.weights.torch_legacy import MAGIC_NUMBER, PROTOCOL_VERSION, UnsafeCheckpointError, read_state_dict


class _RunsShell:
    """Pickles as a call to os.system: what a malicious checkpoint would contain."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def _legacy_header() -> bytes:
    return b"".join(pickle.dumps(x, protocol=2) for x in (MAGIC_NUMBER, PROTOCOL_VERSION, {"little_endian": True}))


@pytest.mark.parametrize("position", ["magic", "state_dict"])
def test_malicious_pickle_is_refused_and_nothing_runs(tmp_path, position):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_RunsShell(f"touch {marker}"), protocol=2)
    blob = payload if position == "magic" else _legacy_header() + payload
    with pytest.raises(UnsafeCheckpointError, match="posix.system|os.system"):
        read_state_dict(blob)
    assert not marker.exists()


def test_builtins_eval_is_refused():
    blob = _legacy_header() + b"cbuiltins\neval\n(S'1+1'\ntR."
    with pytest.raises(UnsafeCheckpointError, match="builtins.eval"):
        read_state_dict(blob)


def _fake_torch_modules():
    """Minimal `torch` stand-ins so pickle can *write* a legacy file without torch installed."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")
    torch.FloatStorage = type("FloatStorage", (), {"__module__": "torch"})
    torch.LongStorage = type("LongStorage", (), {"__module__": "torch"})

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called when writing")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    return torch, utils


def _write_legacy(tensors: dict, storages: dict) -> bytes:
    """Serialise like torch.serialization._legacy_save: tensors name (storage key, offset, shape, stride)."""
    torch, utils = _fake_torch_modules()

    class Tensor:
        def __init__(self, key, offset, shape, stride):
            self.args = (key, offset, shape, stride)

        def __reduce__(self):
            key, offset, shape, stride = self.args
            return (utils._rebuild_tensor_v2, (("pid", key), offset, shape, stride, False, collections.OrderedDict()))

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, tuple) and obj[:1] == ("pid",):
                data = storages[obj[1]]
                kind = torch.FloatStorage if data.dtype == np.float32 else torch.LongStorage
                return ("storage", kind, obj[1], "cpu", data.size, None)
            return None

    saved = {name: sys.modules.get(name) for name in ("torch", "torch._utils")}
    sys.modules.update({"torch": torch, "torch._utils": utils})
    try:
        out = io.BytesIO()
        out.write(_legacy_header())
        Pickler(out, protocol=2).dump(collections.OrderedDict((k, Tensor(*v)) for k, v in tensors.items()))
        pickle.dump(list(storages), out, protocol=2)
        for data in storages.values():
            out.write(np.int64(data.size).astype("<i8").tobytes() + data.astype(data.dtype.newbyteorder("<")).tobytes())
        return out.getvalue()
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def test_offsets_and_strides_are_honoured():
    flat = np.arange(20, dtype=np.float32)
    blob = _write_legacy(
        {
            "matrix": ("a", 2, (3, 4), (4, 1)),
            "transposed": ("a", 0, (4, 3), (1, 4)),
            "count": ("b", 0, (), ()),
        },
        {"a": flat, "b": np.array([7], dtype=np.int64)},
    )
    state = read_state_dict(blob)
    np.testing.assert_array_equal(state["matrix"], flat[2:14].reshape(3, 4))
    np.testing.assert_array_equal(state["transposed"], flat[:12].reshape(3, 4).T)
    assert state["count"].shape == () and state["count"] == 7 and state["count"].dtype == np.int64


def test_tensor_reaching_outside_its_storage_is_refused():
    blob = _write_legacy({"w": ("a", 5, (2, 4), (4, 1))}, {"a": np.zeros(10, dtype=np.float32)})
    with pytest.raises(UnsafeCheckpointError, match="outside its storage"):
        read_state_dict(blob)


def test_truncated_file_is_refused():
    blob = _write_legacy({"w": ("a", 0, (4,), (1,))}, {"a": np.ones(4, dtype=np.float32)})
    with pytest.raises(UnsafeCheckpointError, match="truncated"):
        read_state_dict(blob[:-3])


def test_reads_the_real_torchvision_checkpoint():
    state = read_state_dict(source.verified_checkpoint())
    counters = [k for k in state if k.endswith("num_batches_tracked")]
    params = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
    assert len(counters) == 52  # one per BatchNorm layer
    assert len(params) == 262
    assert sum(v.size for v in params.values()) == 3_538_984
    assert state["features.0.0.weight"].shape == (32, 3, 3, 3)
    assert state["features.1.conv.0.0.weight"].shape == (32, 1, 3, 3)  # depthwise
    assert state["features.18.0.weight"].shape == (1280, 320, 1, 1)
    assert state["classifier.1.weight"].shape == (1000, 1280)
    assert all(v.dtype == np.float32 for v in params.values())
    assert np.all(state["features.0.1.running_var"] > 0)
