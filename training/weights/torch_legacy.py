"""Read torch's legacy (pre-zip) checkpoint format with numpy, never running foreign code.

A `.pth` file is a pickle, and a general unpickler runs whatever callables the file names.
This reader's unpickler resolves only the few names a plain state dict needs and maps them to
inert local stand-ins; any other name is refused before anything is called. Tensor data is
then read as raw little-endian bytes with numpy.

Layout (torch.serialization._legacy_save): pickled magic number, pickled protocol version,
pickled sys info, pickled state dict (tensors are persistent ids rebuilt by
`torch._utils._rebuild_tensor_v2`), pickled list of storage keys, then per key an int64
element count followed by the raw data.
"""

from __future__ import annotations

import collections
import io
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

# torch storage class name -> numpy dtype of its little-endian raw data.
_STORAGE_DTYPES = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class UnsafeCheckpointError(ValueError):
    """The file names something a plain state dict never needs, or is not a legacy checkpoint."""


@dataclass(frozen=True)
class _StorageType:
    """Stand-in for `torch.FloatStorage` & co.: only remembers the element dtype."""

    dtype: np.dtype


@dataclass(frozen=True)
class _StorageRef:
    """A storage named by the pickle; its bytes come later in the file."""

    key: str
    dtype: np.dtype
    size: int


@dataclass(frozen=True)
class _TensorRef:
    """What `_rebuild_tensor_v2` would build, kept as a recipe until the storages are read."""

    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    """Inert stand-in for `torch._utils._rebuild_tensor_v2`: records, computes nothing."""
    if not isinstance(storage, _StorageRef):
        raise UnsafeCheckpointError("tensor rebuilt from something that is not a storage")
    return _TensorRef(storage, int(storage_offset), tuple(int(s) for s in size), tuple(int(s) for s in stride))


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only an allow-list of globals; everything else is refused before it is called."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        raise UnsafeCheckpointError(f"checkpoint refers to {module}.{name}, which a weights file never needs; refusing to load it")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise UnsafeCheckpointError(f"unexpected persistent id in checkpoint: {pid!r:.80}")
        _, storage_type, key, _location, size, view_metadata = pid
        if not isinstance(storage_type, _StorageType) or view_metadata is not None:
            raise UnsafeCheckpointError("unsupported storage in checkpoint (storage views are not handled)")
        return _StorageRef(str(key), storage_type.dtype, int(size))


def _load_pickle(fh: BinaryIO):
    return _RestrictedUnpickler(fh).load()


def _read_storage(fh: BinaryIO, ref: _StorageRef) -> np.ndarray:
    header = fh.read(8)
    if len(header) != 8:
        raise UnsafeCheckpointError(f"checkpoint is truncated at storage {ref.key}")
    count = int(np.frombuffer(header, dtype="<i8")[0])
    if count != ref.size:
        raise UnsafeCheckpointError(f"storage {ref.key} holds {count} elements, the pickle said {ref.size}")
    nbytes = count * ref.dtype.itemsize
    data = fh.read(nbytes)
    if len(data) != nbytes:
        raise UnsafeCheckpointError(f"checkpoint is truncated in storage {ref.key}")
    return np.frombuffer(data, dtype=ref.dtype)


def _materialise(ref: _TensorRef, storage: np.ndarray) -> np.ndarray:
    """View the flat storage with the tensor's offset/shape/stride, bounds-checked, then copy."""
    if any(s < 0 for s in ref.shape) or any(s < 0 for s in ref.stride) or len(ref.shape) != len(ref.stride):
        raise UnsafeCheckpointError("tensor with a negative or inconsistent shape/stride")
    if 0 in ref.shape:
        return np.zeros(ref.shape, dtype=storage.dtype)
    last = ref.offset + sum((n - 1) * s for n, s in zip(ref.shape, ref.stride))
    if ref.offset < 0 or last >= storage.size:
        raise UnsafeCheckpointError(f"tensor reaches outside its storage {ref.storage.key}")
    item = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[ref.offset :], shape=ref.shape, strides=tuple(s * item for s in ref.stride), writeable=False
    )
    return np.array(view, dtype=storage.dtype.newbyteorder("="), copy=True)


def read_state_dict(source: Path | bytes | BinaryIO) -> dict[str, np.ndarray]:
    """Return a legacy torch checkpoint's state dict as native-endian numpy arrays.

    Raises `UnsafeCheckpointError` for any name outside the allow-list, a wrong magic number
    or protocol, a big-endian file, or data that does not match what the pickle announced.
    """
    if isinstance(source, (bytes, bytearray)):
        return read_state_dict(io.BytesIO(source))
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            return read_state_dict(fh)
    fh = source
    try:
        if _load_pickle(fh) != MAGIC_NUMBER:
            raise UnsafeCheckpointError("not a legacy torch checkpoint (wrong magic number)")
        if _load_pickle(fh) != PROTOCOL_VERSION:
            raise UnsafeCheckpointError("unsupported torch checkpoint protocol version")
        sys_info = _load_pickle(fh)
        if not (isinstance(sys_info, dict) and sys_info.get("little_endian") is True):
            raise UnsafeCheckpointError("checkpoint was not written on a little-endian machine")
        state = _load_pickle(fh)
        keys = _load_pickle(fh)
    except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, IndexError) as exc:
        raise UnsafeCheckpointError(f"checkpoint is not a readable legacy torch file: {exc}") from None
    if not isinstance(state, dict) or not isinstance(keys, list):
        raise UnsafeCheckpointError("checkpoint does not hold a state dict")
    refs = {t.storage.key: t.storage for t in state.values() if isinstance(t, _TensorRef)}
    storages: dict[str, np.ndarray] = {}
    for key in keys:
        if key not in refs or key in storages:
            raise UnsafeCheckpointError(f"checkpoint lists an unknown or repeated storage {key!r:.40}")
        storages[key] = _read_storage(fh, refs[key])
    if fh.read(1):
        raise UnsafeCheckpointError("checkpoint has trailing data after its last storage")
    out: dict[str, np.ndarray] = {}
    for name, value in state.items():
        if not isinstance(value, _TensorRef) or value.storage.key not in storages:
            raise UnsafeCheckpointError(f"state dict entry {name!r:.60} is not a stored tensor")
        out[str(name)] = _materialise(value, storages[value.storage.key])
    return out
