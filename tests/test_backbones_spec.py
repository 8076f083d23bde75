"""BackboneSpec validation: bad flags fail as one-line UserErrors before TensorFlow loads."""

import subprocess
import sys
from pathlib import Path

import pytest

from modelcard.errors import UserError
from training.model.backbones import BackboneSpec, weights_source


def _one_line_error(**kwargs) -> str:
    with pytest.raises(UserError) as err:
        BackboneSpec(**kwargs)
    assert "\n" not in str(err.value)
    return str(err.value)


@pytest.mark.parametrize("size", [95, 225, 0, 160.0, True])
def test_input_size_outside_96_to_224_is_refused(size):
    assert "96 to 224" in _one_line_error(input_size=size, weights="none")


def test_offline_weights_need_mobilenetv2_alpha_1():
    message = _one_line_error(alpha=0.5, weights="offline")
    assert "alpha 1.0" in message and "--weights imagenet" in message and "none" in message
    assert "only for mobilenetv2" in _one_line_error(name="resnet50v2")  # offline is the default


def test_unknown_names_and_widths_are_refused():
    assert "densenet121" in _one_line_error(name="vgg16")
    assert "0.35" in _one_line_error(alpha=0.6, weights="none")
    assert "only applies to mobilenetv2" in _one_line_error(name="efficientnetb0", alpha=0.5, weights="none")
    assert ".weights.h5" in _one_line_error(weights="model.h5")


def test_valid_specs_and_sources():
    assert BackboneSpec() == BackboneSpec("mobilenetv2", 1.0, 224, "offline")
    BackboneSpec("mobilenetv2", 0.35, 96, "none")
    BackboneSpec("densenet121", 1.0, 128, "imagenet")
    assert [weights_source(w) for w in ("offline", "imagenet", "none", "x/b.weights.h5")] == ["offline", "imagenet", "none", "file"]


def test_spec_validation_does_not_import_tensorflow():
    code = (
        "import sys; from training.model.backbones import BackboneSpec; BackboneSpec(input_size=96); "
        "from training.weights import convert, source, torch_legacy; "
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
