"""Progress on stderr: tqdm bars for long loops and one line per epoch for fits.

stdout is reserved for the run ids a command prints at the end, so scripts can capture them.
"""

from __future__ import annotations

import sys


def log(message: str) -> None:
    """One progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def counter(total: int | None, desc: str, unit: str = "img"):
    """A tqdm bar on stderr, advanced with `.update(n)`; use it as a context manager."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, mininterval=0.5,
                dynamic_ncols=True)


def epoch_logger(prefix: str):
    """A Keras callback printing `prefix epoch i/n: loss=... val_loss=...` after each epoch."""
    import keras

    class EpochLogger(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            total = self.params.get("epochs", "?")
            metrics = " ".join(f"{k}={float(v):.4f}" for k, v in sorted((logs or {}).items()))
            log(f"{prefix}epoch {epoch + 1}/{total}: {metrics}")

    return EpochLogger()
