"""Progress on stderr: tqdm bars for long loops, one bar per fit, and a summary line per fit.

stdout is reserved for the run ids a command prints at the end, so scripts can capture them.
By default a fit shows one bar (epochs, with the current validation accuracy) that disappears
when the fit ends and leaves one summary line; `--verbose` (`set_verbose(True)`) prints one
line per epoch instead, plus the lines only a debugging user needs (e.g. the run ids up front).
"""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

_verbose = False
_about: list[str] = []  # the sweep member whose stage is running ("[2/4] optimizer=sgd"), innermost last


def set_verbose(on: bool) -> None:
    """Turn the detailed output (a line per epoch, run ids up front) on or off for this process."""
    global _verbose
    _verbose = bool(on)


def is_verbose() -> bool:
    return _verbose


@contextlib.contextmanager
def about(label: str) -> Iterator[None]:
    """Every line and bar of the block names `label` (a sweep member, as `[k/n] key=value`), so
    a sweep's stage lines say which configuration they belong to and no line repeats. "" adds nothing."""
    _about.append(label)
    try:
        yield
    finally:
        _about.pop()


def current_label() -> str:
    """The label of the innermost `about` block ("" outside any)."""
    return _about[-1] if _about else ""


def _labelled(message: str) -> str:
    label = current_label()
    return f"{label}: {message}" if label and not message.startswith(label) else message


def log(message: str) -> None:
    """One progress line on stderr (prefixed with the member it is about, inside `about`)."""
    print(_labelled(message), file=sys.stderr, flush=True)


def detail(message: str) -> None:
    """A line printed only with --verbose."""
    if _verbose:
        log(message)


def counter(total: int | None, desc: str, unit: str = "img"):
    """A tqdm bar on stderr, advanced with `.update(n)`; use it as a context manager."""
    from tqdm import tqdm

    return tqdm(total=total, desc=_labelled(desc), unit=unit, file=sys.stderr, leave=False, mininterval=0.5,
                dynamic_ncols=True)


def _metrics_text(logs: dict | None) -> str:
    return " ".join(f"{k}={float(v):.4f}" for k, v in sorted((logs or {}).items()))


def fit_progress(label: str = ""):
    """A Keras callback: a bar over the epochs showing val_accuracy, or with --verbose a line per
    epoch (`label epoch i/n: loss=... val_loss=...`)."""
    import keras

    label = label or current_label()

    class FitProgress(keras.callbacks.Callback):
        bar = None

        def on_train_begin(self, logs=None):
            if not _verbose:
                self.bar = counter(self.params.get("epochs"), (label or "fit").strip(), unit="epoch")

        def on_epoch_end(self, epoch, logs=None):
            if self.bar is None:
                log(f"{label} epoch {epoch + 1}/{self.params.get('epochs', '?')}: {_metrics_text(logs)}".lstrip())
                return
            accuracy = (logs or {}).get("val_accuracy")
            if accuracy is not None:
                self.bar.set_postfix_str(f"val_accuracy={float(accuracy):.3f}", refresh=False)
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.close()

        def close(self):
            """Clear the bar; also called when the fit ends in an exception (Ctrl-C), which Keras
            does not report to callbacks, so the next line starts on a clean line."""
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    return FitProgress()


def fit_summary(label: str, epochs_run: int, max_epochs: int, best_epoch: int, best: dict, fit_s: float,
                too_early: bool = False) -> str:
    """The one line a fit leaves: epochs run, the kept epoch and its validation metrics (and, when
    validation accuracy was still rising at the last epoch allowed, that the fit may have stopped too early)."""
    stopped = f" (stopped early at {epochs_run}/{max_epochs})" if epochs_run < max_epochs else ""
    values = ", ".join(f"{k} {v:.3f}" for k, v in sorted(best.items()) if k.startswith("val_") and v is not None)
    late = (f"; validation accuracy was still rising at the last allowed epoch ({max_epochs}): the fit may have "
            "stopped too early (try more --epochs)") if too_early else ""
    return (f"{label or 'fit'}: {epochs_run} epochs{stopped}, kept epoch {best_epoch}: "
            f"{values or 'no validation metrics'} ({fit_s:.1f}s){late}")


def log_timing_model(n_predictions: int) -> None:
    """The line shown before a saved model is timed (otherwise a silent minute on small machines)."""
    energy = f"; the energy of {n_predictions} predictions at batch 32 and at batch 1" if n_predictions else ""
    log(f"timing the saved model (latency, throughput{energy})")
