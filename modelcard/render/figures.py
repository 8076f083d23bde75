"""SVG figures for a card, drawn with matplotlib headless and byte-for-byte reproducible.

matplotlib is imported only here and only when figures are built, so importing the renderer
stays cheap. Determinism: the SVG backend, a fixed hash salt for element ids, no date or
creator metadata, text kept as text (`svg.fonttype: none`) in DejaVu Sans, which ships with
matplotlib. With `modelcard build --mct-graphics` the same figures are also rasterised to PNG
for the MCT JSON, whose schema declares `image/png`.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from markupsafe import Markup

from ..card.assemble import slugify
from ..card.model import Card, EvalSetResults
from .comparison_figures import comparison_specs
from .figure_parts import short_label as _short, whiskers as _whiskers

FULL_MATRIX_MAX = 30     # above this many classes, show only classes in the top confusions
CELL_TEXT_MAX = 15       # write the rate in each cell up to this many classes
RC = {
    "svg.hashsalt": "modelcard", "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 9,
    "axes.titlesize": 10, "figure.dpi": 100, "path.simplify": False,
}
_SVG_METADATA = {"Date": None, "Creator": None}
_PNG_METADATA = {"Software": None}


@dataclass
class Figure:
    """One rendered figure: file stem, title, caption, SVG text and optionally PNG bytes."""

    name: str             # e.g. "confusion_matrix_test"
    title: str            # e.g. "Confusion matrix (test, row-normalised)"
    caption: str          # e.g. "Rows are true classes; each row sums to 1."
    svg: str              # the whole SVG document
    png: bytes | None     # e.g. PNG bytes for MCT JSON, or None


class Figures:
    """Makes bare `matplotlib.figure.Figure`s: no pyplot, so no GUI backend and a cheaper import."""

    def __init__(self):
        from matplotlib.figure import Figure as MplFigure

        self._cls = MplFigure

    def subplots(self, nrows: int = 1, ncols: int = 1, figsize=None, left: float = 0.8, bottom: float = 0.6,
                 right: float = 0.2, top: float = 0.4, wspace: float = 0.25):
        """Margins in inches (fixed, not measured: a layout engine would draw every figure twice)."""
        fig = self._cls(figsize=figsize)
        w, h = fig.get_size_inches()
        fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h, wspace=wspace)
        return fig, fig.subplots(nrows, ncols)


def build_figures(card: Card, *, with_png: bool = False) -> list[Figure]:
    """Every figure the card's facts support, in card order."""
    plt = Figures()

    specs = []
    if card.training.history:
        specs.append(("training_curves", "Training curves", "Loss and accuracy per epoch (train and validation).",
                      lambda: _training_curves(plt, card.training.history)))
    for ev in card.evaluation.sets:
        stem = slugify(ev.name)
        specs.append((f"confusion_matrix_{stem}", f"Confusion matrix ({ev.name}, row-normalised)",
                      _confusion_caption(ev), lambda ev=ev: _confusion(plt, ev)))
        specs.append((f"per_class_f1_{stem}", f"Per-class F1 ({ev.name})",
                      _ci_caption(ev, "F1 per class", "per_class", "f1"), lambda ev=ev: _per_class(plt, ev)))
        n_bins = ev.calibration.n_bins if ev.calibration is not None else None
        specs.append((f"reliability_{stem}", f"Reliability diagram ({ev.name})",
                      f"Accuracy against mean confidence in {n_bins} equal-width bins of the "
                      "top probability; the diagonal is perfect calibration.", lambda ev=ev: _reliability(plt, ev)))
        for s in ev.slices:
            specs.append((f"slice_{stem}_{slugify(s.column)}", f"Accuracy by {s.column} ({ev.name})",
                          _ci_caption(ev, f"accuracy per `{s.column}` group", "slices", "accuracy") + " Hatched bars: groups too small to judge.",
                          lambda ev=ev, s=s: _slice(plt, s)))

    specs += comparison_specs(plt, card.comparison)
    rob = card.evaluation.robustness
    if rob is not None and rob.measured and rob.corruptions:
        from . import robustness_figure

        specs.append(("robustness", robustness_figure.TITLE, robustness_figure.caption(rob),
                      lambda: robustness_figure.draw(plt, rob)))
    return draw_figures(specs, with_png=with_png)


def draw_figures(specs, *, with_png: bool = False) -> list[Figure]:
    """Draw `(name, title, caption, draw)` specs (each `draw()` returns a figure made with
    `Figures`) under the deterministic settings; returns the rendered `Figure`s in order."""
    import matplotlib

    figures = []
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        # Text stays text in the SVG (fonttype none): browsers draw glyphs DejaVu Sans lacks (e.g. 猫).
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        for name, title, caption, draw in specs:
            fig = draw()  # a bare Figure, not registered with pyplot: dropping it frees it
            figures.append(Figure(name, title, caption, _svg(fig), _png(fig) if with_png else None))
    return figures


@dataclass(frozen=True)
class FigureView:
    """A figure as the templates use it: name, title, caption and the inline `<svg>` element."""

    name: str
    title: str
    caption: str
    inline: Markup


def figure_views(figures: list[Figure]) -> dict[str, FigureView]:
    return {f.name: FigureView(f.name, f.title, f.caption, Markup(inline_svg(f.svg))) for f in figures}


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=_SVG_METADATA)
    return buf.getvalue()


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72, metadata=_PNG_METADATA)
    return buf.getvalue()


def inline_svg(svg: str) -> str:
    """The `<svg>` element alone, to embed in HTML: no XML declaration, DOCTYPE or RDF metadata."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return re.sub(r"\s*<metadata>.*?</metadata>", "", body, count=1, flags=re.DOTALL)


def _confusion_caption(ev: EvalSetResults) -> str:
    k = len(ev.confusion_labels)
    if k > FULL_MATRIX_MAX:
        return (f"Only the classes involved in the most frequent confusions are shown ({k} classes in all); "
                "rows are true classes, normalised by their support.")
    return "Rows are true classes, columns predicted classes; each row is normalised by its support."


def _ci_caption(ev: EvalSetResults, what: str, table: str, key: str) -> str:
    b = ev.bootstrap
    method = ev.intervals.label(table, key)
    resamples = f", {b.n_resamples if b is not None else None} resamples" if "bootstrap" in method else ""
    confidence = b.confidence if b is not None and b.confidence is not None else 0.95
    return f"{what.capitalize()}; whiskers are {confidence:.0%} intervals ({method}{resamples})."


def _label_inches(labels: list[str], fontsize: float) -> float:
    """Room for the longest tick label: about 0.6 em per character of DejaVu Sans."""
    longest = max((len(_short(x)) for x in labels), default=1)
    return 0.1 + longest * fontsize * 0.6 / 72


def _confusion(plt, ev: EvalSetResults):
    import numpy as np

    counts = np.asarray(ev.confusion_counts, dtype=float)
    labels = list(ev.confusion_labels)
    if len(labels) > FULL_MATRIX_MAX:
        keep = []
        for c in ev.top_confusions:
            for name in (c.true, c.predicted):
                if name in labels and labels.index(name) not in keep:
                    keep.append(labels.index(name))
        keep = sorted(keep[:FULL_MATRIX_MAX]) or list(range(FULL_MATRIX_MAX))
        counts = counts[np.ix_(keep, keep)]
        labels = [labels[i] for i in keep]
    support = np.asarray(ev.confusion_counts, dtype=float).sum(axis=1)
    if len(labels) != len(ev.confusion_labels):
        support = support[[ev.confusion_labels.index(n) for n in labels]]
    rates = np.divide(counts, support[:, None], out=np.zeros_like(counts), where=support[:, None] > 0)
    k = len(labels)
    side = min(2.5 + 0.32 * k, 12.0)
    label_in = _label_inches(labels, max(5, 9 - k // 10))
    fig, ax = plt.subplots(figsize=(side + 1.6 + label_in, side + label_in), left=label_in + 0.6,
                           bottom=label_in + 0.5, right=1.4)
    image = ax.imshow(rates, cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks(range(k), [_short(n) for n in labels], rotation=90, fontsize=max(5, 9 - k // 10))
    ax.set_yticks(range(k), [_short(n) for n in labels], fontsize=max(5, 9 - k // 10))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if k <= CELL_TEXT_MAX:
        for i in range(k):
            for j in range(k):
                if counts[i, j]:
                    ax.text(j, i, f"{rates[i, j]:.2f}", ha="center", va="center", fontsize=7,
                            color="white" if rates[i, j] > 0.5 else "black")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the true class")
    return fig


def _per_class(plt, ev: EvalSetResults):
    names = [_short(p.class_name) for p in ev.per_class]
    values, err = _whiskers([p.f1 for p in ev.per_class])
    k = len(names)
    label_in = _label_inches(names, max(5, 9 - k // 15))
    fig, ax = plt.subplots(figsize=(4.5 + label_in, max(2.0, 1.0 + 0.22 * k)), left=label_in + 0.2)
    y = range(k)
    ax.barh(y, values, xerr=err, color="#4878a8", ecolor="#222222", capsize=2)
    ax.set_yticks(y, names, fontsize=max(5, 9 - k // 15))
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("F1")
    ax.grid(axis="x", alpha=0.3)
    return fig


def _reliability(plt, ev: EvalSetResults):
    bins = [b for b in (ev.calibration.bins if ev.calibration is not None else None) or [] if b.get("count")]
    fig, ax = plt.subplots(figsize=(4.5, 4.5), left=0.7)
    ax.plot([0, 1], [0, 1], linestyle="--", color="#888888", label="perfect calibration")
    if bins:
        centers = [(b["lower"] + b["upper"]) / 2 for b in bins]
        width = bins[0]["upper"] - bins[0]["lower"]
        ax.bar(centers, [b["accuracy"] for b in bins], width=width * 0.9, color="#4878a8", alpha=0.8,
               label="accuracy in bin")
        ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", color="#c44e52",
                label="mean confidence vs accuracy")
    ece = ev.calibration.ece if ev.calibration is not None else None
    value = getattr(ece, "value", None)
    ax.set_title(f"ECE {value:.3f}" if value is not None else "ECE undefined")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (top probability)")
    ax.set_ylabel("accuracy")
    ax.legend(loc="upper left", fontsize=7)
    return fig


def _training_curves(plt, history: dict):
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), left=0.6)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        for key, style in ((metric, "-"), (f"val_{metric}", "--")):
            values = history.get(key)
            if values:
                epochs = range(1, len(values) + 1)
                ax.plot(epochs, [v if v is not None else float("nan") for v in values], style, marker="o",
                        markersize=3, label=key)
        ax.set_xlabel("epoch")
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    return fig


def _slice(plt, s):
    names = [_short(g.group) for g in s.groups]
    values, err = _whiskers([g.accuracy for g in s.groups])
    label_in = _label_inches(names, 9)
    fig, ax = plt.subplots(figsize=(4.5 + label_in, max(2.0, 1.0 + 0.3 * len(names))), left=label_in + 0.2)
    y = range(len(names))
    bars = ax.barh(y, values, xerr=err, color="#55a868", ecolor="#222222", capsize=2)
    for bar, group in zip(bars, s.groups):
        if group.unreliable:
            bar.set_hatch("//")
            bar.set_alpha(0.5)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("accuracy")
    ax.grid(axis="x", alpha=0.3)
    return fig
