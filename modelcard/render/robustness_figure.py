"""The robustness figure: accuracy against corruption severity, one line per corruption.

Drawn with the same deterministic matplotlib setup as `figures.py` (which calls it).
"""

from __future__ import annotations

from ..card.sections.robustness import RobustnessResults

TITLE = "Accuracy under common corruptions"
MARKERS = "osD^v<>pPX*hd"


def caption(rob: RobustnessResults) -> str:
    return (f"Accuracy on the {rob.eval_set} images at each severity of each corruption ({rob.suite} suite); "
            "severity 0 is the clean images; whiskers are 95% intervals, the dashed line clean accuracy.")


def draw(plt, rob: RobustnessResults):
    """A line per corruption from the clean accuracy (severity 0) through each severity run."""
    import numpy as np

    fig, ax = plt.subplots(figsize=(6.8, 3.8), left=0.7, right=2.2)
    clean = rob.clean_accuracy.value if rob.clean_accuracy else None
    cmap = _colours(len(rob.corruptions))
    for i, c in enumerate(rob.corruptions):
        xs = [0] + [r.severity for r in c.results]
        values = [clean] + [r.accuracy.value for r in c.results]
        ys = np.array([np.nan if v is None else v for v in values], dtype=float)
        lows = [r.accuracy.ci_low for r in c.results]
        highs = [r.accuracy.ci_high for r in c.results]
        err = np.array([[0.0] + [0.0 if lo is None or v is None else max(v - lo, 0.0) for lo, v in zip(lows, values[1:])],
                        [0.0] + [0.0 if hi is None or v is None else max(hi - v, 0.0) for hi, v in zip(highs, values[1:])]])
        offset = (i - (len(rob.corruptions) - 1) / 2) * 0.03  # keep overlapping whiskers apart
        ax.errorbar(np.asarray(xs, dtype=float) + offset, ys, yerr=err, marker=MARKERS[i % len(MARKERS)],
                    markersize=4, capsize=2, linewidth=1.2, color=cmap[i], label=c.name)
    if clean is not None:
        ax.axhline(clean, linestyle="--", color="#888888", linewidth=1)
    ax.set_xticks([0] + list(rob.severities), ["clean"] + [str(s) for s in rob.severities])
    ax.set_xlabel("severity")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    return fig


def _colours(n: int) -> list:
    from matplotlib import colormaps

    palette = colormaps["tab20" if n > 10 else "tab10"]
    return [palette(i % palette.N) for i in range(n)]
