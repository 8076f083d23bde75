"""Comparison figures: test accuracy (with its interval) against latency and against CO2.

One point per configuration, the chosen one drawn as a larger star; a configuration that did
not measure the x quantity is left out and counted in the caption. Drawn by `figures.py`'s
deterministic SVG machinery (this module only says what to draw).
"""

from __future__ import annotations

from ..card.sections.comparison import Comparison, ComparedRun
from .figure_parts import short_label, whiskers

#: (figure stem, x attribute, x label, title word, factor to the label's unit)
AXES = (("comparison_accuracy_latency", "latency_median_ms", "latency per image, batch 1, median (ms)", "latency", 1.0),
        ("comparison_accuracy_co2", "emissions_kg", "CO2-equivalent (g)", "CO2", 1000.0))


def _plotted(comparison: Comparison, attribute: str) -> list[ComparedRun]:
    return [r for r in comparison.runs if getattr(r, attribute) is not None and r.accuracy is not None
            and r.accuracy.value is not None]


def comparison_specs(plt, comparison: Comparison | None) -> list[tuple]:
    """(name, title, caption, draw) for each plot with at least two configurations to show."""
    if comparison is None:
        return []
    specs = []
    for name, attribute, xlabel, word, factor in AXES:
        runs = _plotted(comparison, attribute)
        if len(runs) < 2:
            continue
        left_out = len(comparison.runs) - len(runs)
        caption = (f"Test accuracy with its 95% interval against {word}, one point per configuration; the star is the "
                   f"chosen one ({comparison.chosen_label}).")
        if left_out:
            caption += f" {left_out} configuration(s) without a measured {word} or test accuracy are not shown."
        if attribute == "emissions_kg" and any(r.emissions_scope == "sweep" for r in runs):
            caption += " Some CO2 figures cover a whole sweep, not one configuration."
        elif attribute == "emissions_kg" and comparison.cost_scope:
            caption += f" CO2 of each configuration's {comparison.cost_scope}."
        specs.append((name, f"Test accuracy against {word}", caption,
                      lambda runs=runs, attribute=attribute, xlabel=xlabel, factor=factor:
                      _scatter(plt, runs, attribute, xlabel, factor)))
    return specs


def _scatter(plt, runs: list[ComparedRun], attribute: str, xlabel: str, factor: float = 1.0):
    values, err = whiskers([r.accuracy for r in runs])
    xs = [float(getattr(r, attribute)) * factor for r in runs]
    fig, ax = plt.subplots(figsize=(5.5, 3.8), left=0.8, bottom=0.6)
    for i, r in enumerate(runs):
        chosen = r.chosen
        ax.errorbar([xs[i]], [values[i]], yerr=err[:, i:i + 1], fmt="*" if chosen else "o",
                    markersize=12 if chosen else 5, color="#c44e52" if chosen else "#4878a8", ecolor="#555555",
                    capsize=3, zorder=3 if chosen else 2)
        ax.annotate(short_label(r.label, 24) + (" (chosen)" if chosen else ""), (xs[i], values[i]),
                    textcoords="offset points", xytext=(5, 4), fontsize=6)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy")
    if attribute == "emissions_kg":
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 3))
    ax.margins(x=0.35)  # room for the labels right of the points
    ax.set_ylim(max(0.0, min(values - err[0]) - 0.05), min(1.0, max(values + err[1]) + 0.05))
    ax.grid(alpha=0.3)
    return fig
