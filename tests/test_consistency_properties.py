"""Property-based tests of the consistency check (issue 24): generated run records built into every format keep
every invariant, and every invariant broken on purpose is caught.

Records come from `record_strategies.run_records` (the real analysis functions on generated predictions:
sweeps, seeds, cross-validation, slices with one group or groups of one image, extra sets, robustness,
emissions with and without phases, `modelcard record` runs, no bootstrap, awkward class names). Each is
built into Markdown, HTML, front matter, MCT JSON, CycloneDX, Croissant and meta.json (figures left out:
no invariant reads them), and the invariants are checked on the written text. Then each invariant is
broken on purpose, in a file or in a claim, and the check must name it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import card_fixtures as cf
from modelcard.claims import Statement
from modelcard.claims.relations import Rank
from modelcard.consistency import INVARIANTS, check_outputs
from modelcard.errors import InconsistentCard
from modelcard.render.build import render_cards
from record_strategies import run_records

#: Derandomized (the same examples on every run, so CI is repeatable) and no example database on disk.
SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: The fixtures' card.yaml for every run, with the data card's human keys, so that a passing policy passes.
CARD_YAML = (cf.CARD_YAML.replace("runs: [demo-mobilenetv2]", "runs: ['*']")
             + "class_recall_bar: 0.5\ngroup_accuracy_bar: 0.6\n"
             + "data:\n  collection: Drawn for the tests.\n  consent: No people are shown.\n"
               "  known_biases: None known.\n  license: CC0-1.0\n")
HERE = os.getcwd()


@pytest.fixture(autouse=True)
def _back_home():
    yield
    os.chdir(HERE)
POLICIES = (None, "gates:\n  - accuracy.ci_low >= 0.0\n", "gates:\n  - accuracy.ci_low >= 0.999\n")


def _built(record: dict, card_yaml: bool, policy: str | None):
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    os.chdir(root)  # away from the repository's own card.yaml
    run = cf.write_run(root, record)
    info = None
    if card_yaml:
        info = root / "card.yaml"
        info.write_text(CARD_YAML, encoding="utf-8")
    path = None
    if policy:
        path = root / "policy.yaml"
        path.write_text(policy, encoding="utf-8")
    return render_cards(run, card_info=info, policy=path, figures=False)


@settings(SETTINGS, max_examples=800)
@given(record=run_records(), card_yaml=st.booleans(), policy=st.sampled_from(POLICIES))
def test_every_generated_record_builds_into_files_that_keep_every_invariant(record, card_yaml, policy):
    try:
        card, outputs = _built(record, card_yaml, policy)
    except InconsistentCard as exc:  # the build refused: say which invariant, on which record
        pytest.fail("\n".join(exc.lines()))
    endings = {".md", ".html", ".mct.json", ".cdx.json", ".meta.json"} | ({".croissant.json"} if card.data_card else set())
    assert all(any(rel.endswith(e) for rel in outputs) for e in endings)
    for claim in card.claims:  # every score has an interval or a stated reason
        if claim.unit in ("share", "probability", "nats", "ratio") and claim.value is not None:
            assert claim.interval is not None or claim.same_as or claim.no_interval, claim.key


# ---- each invariant broken on purpose ----------------------------------------------------------------------

def _one(outputs: dict, ending: str) -> str:
    return next(rel for rel in outputs if rel.endswith(ending) and not rel.endswith(".data" + ending))


def break_identity(card, outputs, data):
    """A format states a score with another interval than its claim's."""
    rel = _one(outputs, ".mct.json")
    doc = json.loads(outputs[rel])
    entry = next(m for m in doc["quantitative_analysis"]["performance_metrics"] if "confidence_interval" in m)
    entry["confidence_interval"]["lower_bound"] = str(float(entry["confidence_interval"]["lower_bound"]) / 2 - 0.01)
    return card.claims, {**outputs, rel: json.dumps(doc)}


def break_scope(card, outputs, data):
    """The front matter states the whole command's CO2 where the card's figure is training's."""
    rel = _one(outputs, ".md")
    text = outputs[rel]
    found = re.search(r"^  emissions: (\S+)$", text, re.M)
    if found is None or card.environment.figures is None:
        return None
    wrong = card.environment.figures.run.co2.value * 1.5 + 1.0
    return card.claims, {**outputs, rel: text.replace(found.group(0), f"  emissions: {wrong}")}


def break_leak(card, outputs, data):
    """A Python repr reaches a file."""
    rel = _one(outputs, ".cdx.json")
    return card.claims, {**outputs, rel: outputs[rel].replace('"bomFormat"', '"note": "{\'accuracy\': 0.5}", "bomFormat"')}


def break_checks(card, outputs, data):
    """A passing verdict sits beside a file that names missing human text it does not name."""
    if card.checks is None or not card.checks.passed:
        return None
    rel = _one(outputs, ".html")
    return card.claims, {**outputs, rel: outputs[rel] + "<p>Not provided: add `contact` to card.yaml.</p>\n"
                         if "contact" not in card.checks.missing_human else outputs[rel]
                         + "<p>Not provided: add `zzz.key` to card.yaml.</p>\n"}


def break_comparison(card, outputs, data):
    """A sentence claims a rank its numbers do not give."""
    ledger = card.claims
    shares = [c for c in ledger if c.unit == "share" and c.value is not None and c.slice]
    if len(shares) < 2:
        return None
    top, low = max(shares, key=lambda c: c.value), min(shares, key=lambda c: c.value)
    if top.value == low.value:
        return None
    copy = type(ledger)(dict(ledger.claims), dict(ledger.statements))
    copy.add(Statement("comparison.broken", "comparison", "The lowest is the best.", Rank(low.key, (low.key, top.key), 1)))
    return copy, outputs


def break_interval(card, outputs, data):
    """A score loses its interval without a reason."""
    ledger = card.claims
    claim = next((c for c in ledger if c.interval is not None and c.unit == "share" and not c.same_as
                  and not any(o.same_as == c.key for o in ledger)), None)
    if claim is None:
        return None
    claims = dict(ledger.claims)
    claims[claim.key] = replace(claim, interval=None, no_interval=None)
    return type(ledger)(claims, dict(ledger.statements)), outputs


def break_risks(card, outputs, data):
    """A format leaves one of the card's risks out."""
    risks = card.claims.risks()
    if not risks:
        return None
    rel = _one(outputs, ".md")
    return card.claims, {**outputs, rel: outputs[rel].replace(f"- {risks[0].text}\n", "", 1)}


def break_decision(card, outputs, data):
    """A card leaves a verdict of its Decision out."""
    verdicts = [s.text for s in card.claims.of_kind("verdict")]
    if not verdicts:
        return None
    rel = _one(outputs, ".md")
    return card.claims, {**outputs, rel: outputs[rel].replace(verdicts[0], "")}


BREAKS = {"identical-quantities": break_identity, "one-scope": break_scope, "no-leaks": break_leak,
          "checks-cover": break_checks, "comparisons-agree": break_comparison, "interval-or-reason": break_interval,
          "same-risks": break_risks, "same-decision": break_decision}


def test_every_invariant_has_a_way_to_break_it():
    assert set(BREAKS) == {inv.name for inv in INVARIANTS}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_invariant_broken_on_purpose_is_caught_on_a_full_card(name):
    """The fixture's full record (sweep, slices, extra set, robustness, emissions): every break applies."""
    record = cf.base_record()
    phases = [{"kind": k, "duration_s": 2.0, "energy_kwh": 1e-5, "emissions_kg": 4e-6, "subject": None,
               "run_id": None if k == "data_scan" else cf.RUN_ID} for k in ("data_scan", "fit", "efficiency")]
    record["emissions"].update(phases=phases, duration_s=6.0, energy_kwh=3e-5, emissions_kg=1.2e-5)
    card, outputs = _built(record, True, POLICIES[1])
    assert card.checks.passed and not check_outputs(card.claims, outputs, _texts(card), _decision(card))
    ledger, files = BREAKS[name](card, outputs, record)
    assert name in {v.invariant for v in check_outputs(ledger, files, _texts(card), _decision(card))}


def _texts(card) -> tuple[str, ...]:
    return tuple(card.details.class_names)


def _decision(card) -> tuple[str, ...]:
    return tuple(card.decision.printed()) if card.decision is not None else ()


@settings(SETTINGS, max_examples=300)
@given(record=run_records(), name=st.sampled_from(sorted(BREAKS)), policy=st.sampled_from(POLICIES[1:]))
def test_each_invariant_broken_on_purpose_is_caught(record, name, policy):
    card, outputs = _built(record, True, policy)
    broken = BREAKS[name](card, outputs, record)
    if broken is None:  # this card has nothing of that kind to break (e.g. no risk, no emissions)
        return
    ledger, files = broken
    found = check_outputs(ledger, files, _texts(card), _decision(card))
    assert name in {v.invariant for v in found}, (name, [v.line() for v in found])
