"""Collectors: measured facts about a training run that are not about accuracy.

Each returns the record's typed section (`modelcard.record.model`), whose fields are its keys:
* `collect_hardware()` -> `Hardware` (CPU, memory, GPUs TensorFlow can use).
* `EmissionsCollector` -> `Emissions` (codecarbon, offline; estimates say so), with
  the cost of each phase: wrap a stage in `with emissions_phase("kind", subject, run_id):`;
  `emissions_section` turns the tracker's final figures into that section.
* `measure_latency`, `peak_rss_mb`, `Throughput`, `file_size_bytes`, `efficiency_section`
  -> `Efficiency`.

Every collector call in a run goes through `guarded(...)`: a failing collector leaves its
field null and a "<what> not measured: <why>" warning, and the run completes.

Training-side only: TensorFlow and codecarbon are imported lazily, inside the functions that
need them, so importing this package stays cheap. Fields documented in docs/run-record.md.
"""

from .efficiency import Throughput, efficiency_section, file_size_bytes, measure_latency, peak_rss_mb
from .emissions import (DEFAULT_COUNTRY_ISO_CODE, EmissionsCollector, check_country_iso_code,
                        collectors_enabled, emissions_phase)
from .guard import guarded
from .hardware import collect_hardware

__all__ = [
    "Throughput", "efficiency_section", "file_size_bytes", "measure_latency",
    "peak_rss_mb", "DEFAULT_COUNTRY_ISO_CODE", "EmissionsCollector",
    "check_country_iso_code", "collectors_enabled", "emissions_phase",
    "collect_hardware", "guarded",
]
