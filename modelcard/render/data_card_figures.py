"""The data card's composition figures as deterministic SVG (same settings as the model card's)."""

from __future__ import annotations

import numpy as np

from .figures import Figure, Figures, draw_figures
from ..card.data_card import DataCard


def _grouped_bars(plt, labels: list[str], series: dict[str, list[int]], xlabel: str, horizontal: bool):
    n, k = len(labels), max(1, len(series))
    size = (7.0, max(2.2, 0.22 * n * k / 2 + 1.2)) if horizontal else (7.0, 2.8)
    fig, ax = plt.subplots(figsize=size, left=1.6 if horizontal else 0.7, bottom=0.9 if not horizontal else 0.6)
    width = 0.8 / k
    pos = np.arange(n)
    for j, (name, values) in enumerate(series.items()):
        offset = pos - 0.4 + width * (j + 0.5)
        if horizontal:
            ax.barh(offset, values, height=width, label=name)
        else:
            ax.bar(offset, values, width=width, label=name)
    if horizontal:
        ax.set_yticks(pos, labels)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
    else:
        ax.set_xticks(pos, labels, rotation=30, ha="right")
        ax.set_ylabel(xlabel)
    ax.legend(fontsize=8, frameon=False)
    return fig


def _bin_labels(edges: list[float], unit: str) -> list[str]:
    out = [f"{edges[i]:g}–{edges[i + 1]:g}{unit}" for i in range(len(edges) - 1)]
    return out + [f"≥{edges[-1]:g}{unit}"]


def data_figures(card: DataCard) -> list[Figure]:
    """Class counts per split, and (when collected) longer-side and aspect-ratio histograms."""
    plt = Figures()
    specs = []
    classes = list(card.source.class_names or [])
    if card.splits and classes:
        counts = {name: [per_class.get(c, 0) for c in classes] for name, _, per_class in card.splits}
        specs.append(("data_class_counts", "Images per class and split", "Bars are image counts per class, one per split.",
                      lambda: _grouped_bars(plt, classes, counts, "images", horizontal=True)))
    comp = card.composition
    if comp and comp.splits:
        edges = comp.edges
        for key, title, unit, what in (("long_side", "Image size (longer side)", " px", "longer side in pixels"),
                                       ("aspect", "Aspect ratio (width / height)", "", "width divided by height")):
            series = {s: v[f"{key}_hist"] for s, v in card.composition_splits()}
            labels = _bin_labels(edges[key], unit)
            specs.append((f"data_{key}_histogram", title, f"Images per bin of the original file's {what}, per split.",
                          lambda labels=labels, series=series: _grouped_bars(plt, labels, series, "images", False)))
    return draw_figures(specs)
