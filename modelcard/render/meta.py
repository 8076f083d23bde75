"""The card's index facts, `cards/<slug>.meta.json`: what `modelcard publish` lists about a card.

The Markdown front matter and the MCT JSON carry the name and the metrics, but not the run's
dates, the check status or the documentation coverage, and the MCT schema allows no extra keys.
So `build` (format `json`) writes this small sidecar beside them, from the same card it renders:

- `run_id`, `status`, `started_at`, `ended_at`: the run the card was built from;
- `headline`: the test accuracy (else the first evaluation set's) with its interval and the
  method of that interval (`method` in the card's words, `method_id` as recorded);
- `checks`: the verdict of the card's Checks subsection (`build --policy`), or null when the card
  was built without a policy ("not checked");
- `coverage`: the documentation coverage (HF template and EU AI Act Annex IV items);
- `files`: the sha256 of every card file written in the same build (figures too), so `publish`
  copies exactly those and can say when one is missing or was changed after the build;
- `inputs`: the sha256 of the card.yaml and of the policy the build applied (null for none), so
  `check` compares the files with the card of the same inputs.

Sorted keys and no timestamps of its own: the same build gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json

from ..card.intervals import method_label
from ..card.model import Card
from ..card.sections.summary import headline_set
from ..record.model import Provenance
from ..record.typed import as_section

META_SUFFIX = ".meta.json"
META_FORMAT = 1   # bumped if a reader could misread a later layout


def headline(card: Card) -> dict | None:
    """e.g. {"set": "test", "metric": "accuracy", "value": 0.9375, "ci_low": 0.80, "ci_high": 0.98,
    "confidence": 0.95, "method": "Wilson score interval", "method_id": "wilson"}; None when the card
    has no evaluation. The method is the metric's own (`evaluations.<set>.intervals`), not the
    run-wide bootstrap's."""
    chosen = headline_set(card.evaluation)
    if chosen is None or "accuracy" not in chosen.metrics:
        return None
    m = chosen.metrics["accuracy"]
    method = m.method
    return {"set": chosen.name, "metric": "accuracy", "value": m.value, "ci_low": m.ci_low, "ci_high": m.ci_high,
            "confidence": m.interval.level if m.interval else chosen.bootstrap.confidence,
            "method": method_label(method) if method else None, "method_id": method}


def card_meta(card: Card, coverage: dict, files: dict[str, str | bytes], inputs: dict | None = None) -> dict:
    """The sidecar's dict; `coverage` is `CoverageSummary.to_json()`, `files` the build's other outputs,
    `inputs` the sha256 of the card.yaml and policy applied (`BuiltCard.inputs`)."""
    provenance = as_section(Provenance, card.specs.provenance or {})
    checks = None
    if card.checks is not None:
        c = card.checks
        checks = {"passed": c.passed, "summary": c.summary, "policy_file": c.policy_file,
                  "policy_sha256": c.policy_sha256}
    hashes = {rel: hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
              for rel, data in sorted(files.items())}
    return {"format": META_FORMAT, "name": card.details.name, "slug": card.slug, "run_id": card.details.run_id,
            "created_by": card.details.created_by, "status": card.status,
            "started_at": provenance.started_at, "ended_at": provenance.ended_at,
            "headline": headline(card), "checks": checks, "coverage": coverage, "files": hashes,
            "inputs": inputs or {"card_info_sha256": None, "policy_sha256": None}}


def dump_meta(meta: dict) -> str:
    return json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
