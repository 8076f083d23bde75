"""Small helpers shared by the card's figures and the comparison figures (no figure of their own)."""

from __future__ import annotations

from ..card.model import Metric


def short_label(label: str, width: int = 28) -> str:
    """Long class names lose their middle so axes stay readable (the ends tell them apart); tables carry full names."""
    if len(label) <= width:
        return label
    head = (width - 1) // 2
    return label[:head] + "…" + label[len(label) - (width - 1 - head):]


def whiskers(metrics: list[Metric]):
    import numpy as np

    values = np.array([m.value if m.value is not None else np.nan for m in metrics], dtype=float)
    low = np.array([m.ci_low if m.ci_low is not None else v for m, v in zip(metrics, values)], dtype=float)
    high = np.array([m.ci_high if m.ci_high is not None else v for m, v in zip(metrics, values)], dtype=float)
    err = np.vstack([np.clip(values - low, 0, None), np.clip(high - values, 0, None)])
    return np.nan_to_num(values), np.nan_to_num(err)
