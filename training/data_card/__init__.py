"""The data card's facts, collected while `train` and `evaluate` run (rendered by `modelcard build`).

- `DataCardCollector(splits, class_names, duplicates, created_by=..., label_issues=...)`:
  `collect()` (composition, cleanvision, duplicates), `measure_train(features_fn)` (K-fold
  label issues on cached features), `write(writer)` (per run: test label issues, thumbnails,
  `label_issues.csv`, the record's `data_card` and `label_issues`).
"""

from .collect import CSV_FILE, THUMBS_DIR, DataCardCollector

__all__ = ["CSV_FILE", "THUMBS_DIR", "DataCardCollector"]
