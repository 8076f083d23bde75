"""Are the training packages installed? One line naming what to install when they are not.

The card side installs without them (`pip install .`), so `modelcard train` and `evaluate` on
such an install must say what is missing instead of ending in a traceback. Checked before any
of them is imported (a cheap `find_spec`, no TensorFlow start-up), so the answer is instant.
`TRAIN_PACKAGES` mirrors the `train` extra of pyproject.toml (tests/test_card_only_install.py
keeps the two equal); a TensorFlow that is present but broken is caught when it is imported
(`quiet_tensorflow`).
"""

from __future__ import annotations

import importlib.util

from modelcard.errors import UserError

from .quiet_tensorflow import TRAIN_EXTRA_HINT

# distribution name in the `train` extra -> the module it provides
TRAIN_PACKAGES = {
    "tensorflow-cpu": "tensorflow",
    "keras": "keras",
    "codecarbon": "codecarbon",
    "pillow": "PIL",
    "tqdm": "tqdm",
    "psutil": "psutil",
    "cleanvision": "cleanvision",
}


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a finder that refuses it, or a half-imported module
        return False


def missing_training_packages() -> list[str]:
    """The `train` extra's distributions whose module cannot be found, in extra order."""
    return [dist for dist, module in TRAIN_PACKAGES.items() if not _present(module)]


def require_training_packages(command: str) -> None:
    """UserError (one line, exit 2) when `modelcard COMMAND` cannot run on this install."""
    missing = missing_training_packages()
    if missing:
        raise UserError(f"`modelcard {command}` needs the training packages, and {', '.join(missing)} "
                        f"{'is' if len(missing) == 1 else 'are'} not installed (this looks like a card-only "
                        f"install): {TRAIN_EXTRA_HINT}")
