"""Pure analyses of a classifier's predictions: metrics, calibration, confusions, slices, CIs.

Only numpy, scipy, scikit-learn and fairlearn: never TensorFlow, so cards build anywhere.
`evaluate_predictions` is the entry point; the building blocks are public so that `training`
reuses them instead of computing any metric a second time.

Names load on first use (PEP 562 `__getattr__`): a card build needs only the numpy-only modules
(`proportions`, `sample_size`, `label_conflicts`) and so never imports scikit-learn, scipy or fairlearn.
"""

from importlib import import_module

#: Each public name and the module that defines it.
_WHERE = {
    "BootstrapDistribution": "bootstrap", "GroupDistribution": "bootstrap", "bootstrap_metrics": "bootstrap",
    "bootstrap_samples": "bootstrap", "percentile_interval": "bootstrap", "resample_indices": "bootstrap",
    "bin_edges": "calibration", "bin_index": "calibration",
    "confusion_summary": "confusion", "top_confusions": "confusion",
    "evaluate_predictions": "evaluate", "metric": "evaluate",
    "PointMetrics": "point", "expected_calibration_error": "point", "point_metrics": "point",
    "wilson_interval": "proportions",
    "PerSample": "samples", "per_sample": "samples", "top_k_hits": "samples",
    "SliceSummary": "slices", "slice_metrics": "slices",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
