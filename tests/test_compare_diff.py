"""`modelcard diff`: paired statistics checked against independent references, and the command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binom
from sklearn.metrics import accuracy_score, f1_score

from modelcard.analysis.samples import per_sample
from modelcard.compare.paired import mcnemar_exact, paired_bootstrap
from tests.train_fixtures import run_cli

CLASSES = ("cat", "dog", "bird")


def test_mcnemar_matches_statsmodels_and_the_binomial_formula():
    sm = pytest.importorskip("statsmodels.stats.contingency_tables", reason="statsmodels (test extra) not installed")
    rng = np.random.default_rng(1)
    for _ in range(40):
        n = int(rng.integers(5, 120))
        a, b = rng.random(n) < rng.random(), rng.random(n) < rng.random()
        got = mcnemar_exact(a, b)
        table = [[int((a & b).sum()), int((a & ~b).sum())], [int((~a & b).sum()), int((~a & ~b).sum())]]
        assert [[got.both_right, got.only_a], [got.only_b, got.both_wrong]] == table
        reference = sm.mcnemar(table, exact=True).pvalue
        k, m = min(got.only_a, got.only_b), got.only_a + got.only_b
        by_hand = 1.0 if m == 0 else min(1.0, 2 * binom.cdf(k, m, 0.5))
        assert got.p_value == pytest.approx(reference, rel=1e-9, abs=1e-12)
        assert got.p_value == pytest.approx(by_hand, rel=1e-9, abs=1e-12)


def test_mcnemar_known_values():
    # 0 vs 6 discordant pairs: p = 2 * 0.5**6 = 0.03125; 1 vs 1: p = 1.
    right = np.ones(10, bool)
    wrong = right.copy()
    wrong[:6] = False
    assert mcnemar_exact(wrong, right).p_value == pytest.approx(0.03125)
    assert (mcnemar_exact(wrong, right).only_a, mcnemar_exact(wrong, right).only_b) == (0, 6)
    assert mcnemar_exact([True, False], [False, True]).p_value == pytest.approx(1.0)
    assert mcnemar_exact(right, right).p_value == 1.0  # no discordant pairs: nothing tells them apart


def _facts_from_correctness(y_true, correct, k, rng):
    """Probabilities whose argmax is right exactly where `correct` says (wrong class chosen at random)."""
    n = len(y_true)
    wrong_class = (y_true + rng.integers(1, k, size=n)) % k
    predicted = np.where(correct, y_true, wrong_class)
    prob = np.full((n, k), 0.1 / (k - 1))
    prob[np.arange(n), predicted] = 0.9
    return prob


def test_paired_points_match_sklearn_and_identical_models_give_zero():
    rng = np.random.default_rng(0)
    n, k = 150, 3
    y = rng.integers(0, k, n)
    pa = _facts_from_correctness(y, rng.random(n) < 0.7, k, rng)
    pb = _facts_from_correctness(y, rng.random(n) < 0.8, k, rng)
    sa, sb = per_sample(y, pa, 15), per_sample(y, pb, 15)
    acc, f1 = paired_bootstrap(sa, sb, n_resamples=300, seed=3)
    assert acc.a == pytest.approx(accuracy_score(y, pa.argmax(1)))
    assert acc.difference == pytest.approx(accuracy_score(y, pb.argmax(1)) - accuracy_score(y, pa.argmax(1)))
    assert f1.difference == pytest.approx(f1_score(y, pb.argmax(1), average="macro") - f1_score(y, pa.argmax(1), average="macro"))
    assert acc.ci_low <= acc.difference <= acc.ci_high
    same = paired_bootstrap(sa, sa, n_resamples=300, seed=3)
    assert all((d.difference, d.ci_low, d.ci_high, d.excludes_zero) == (0.0, 0.0, 0.0, False) for d in same)
    again = paired_bootstrap(sa, sb, n_resamples=300, seed=3)
    assert (again[0].ci_low, again[0].ci_high) == (acc.ci_low, acc.ci_high)  # seeded


def test_paired_bootstrap_covers_the_true_difference_and_beats_unpaired_width():
    """Simulation with known truth: per-image success probabilities fixed, two correlated models.

    Each image has a difficulty; both models succeed more often on easy images (that shared
    difficulty is what pairing cancels). True accuracy difference = mean(p_b - p_a) over the
    population the test images are drawn from.
    """
    rng = np.random.default_rng(7)
    k, n, reps = 3, 200, 120
    covered, paired_width, unpaired_width = 0, [], []
    for _ in range(reps):
        easy = rng.random(n) < 0.7
        p_a, p_b = np.where(easy, 0.95, 0.35), np.where(easy, 0.97, 0.45)
        truth = 0.7 * (0.97 - 0.95) + 0.3 * (0.45 - 0.35)  # 0.044
        u = rng.random(n)  # shared uniform: both models fail on the same hard draws (positive correlation)
        ca, cb = u < p_a, u < p_b
        y = rng.integers(0, k, n)
        sa = per_sample(y, _facts_from_correctness(y, ca, k, rng), 15)
        sb = per_sample(y, _facts_from_correctness(y, cb, k, rng), 15)
        acc = paired_bootstrap(sa, sb, n_resamples=400, seed=int(rng.integers(1 << 30)), metrics=("accuracy",))[0]
        covered += acc.ci_low <= truth <= acc.ci_high
        paired_width.append(acc.ci_high - acc.ci_low)
        # unpaired: independent resamples of each model's correctness
        ia, ib = rng.integers(0, n, (400, n)), rng.integers(0, n, (400, n))
        diff = cb[ib].mean(1) - ca[ia].mean(1)
        lo, hi = np.quantile(diff, [0.025, 0.975])
        unpaired_width.append(hi - lo)
    assert 0.88 <= covered / reps <= 0.995, covered / reps
    assert np.mean(paired_width) < 0.6 * np.mean(unpaired_width)


# --- the command -------------------------------------------------------------------------

def _write(path: Path, ids, y_true, prob, classes=CLASSES) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label", *classes])
        for i, t, p in zip(ids, y_true, prob):
            w.writerow([i, classes[t], *[repr(float(v)) for v in p]])
    return path


def _record(tmp_path, name, ids, y, prob, classes=CLASSES) -> str:
    csv_path = _write(tmp_path / f"{name}.csv", ids, y, prob, classes)
    from modelcard.cli import main

    assert main(["record", "--predictions", str(csv_path), "--runs-dir", str(tmp_path / "runs"),
                 "--n-resamples", "100", "--name", name]) == 0
    return sorted((tmp_path / "runs").iterdir(), key=lambda p: p.stat().st_mtime_ns)[-1].name


@pytest.fixture
def two_models(tmp_path, capsys):
    rng = np.random.default_rng(5)
    n, k = 120, len(CLASSES)
    y = rng.integers(0, k, n)
    ids = [f"img-{i:03d}" for i in range(n)]
    ca = rng.random(n) < 0.55
    cb = ca | (rng.random(n) < 0.6)  # B fixes many of A's mistakes and breaks none
    run_a = _record(tmp_path, "base", ids, y, _facts_from_correctness(y, ca, k, rng))
    # B lists the same images in another order: pairing must go by id, not by row
    order = rng.permutation(n)
    run_b = _record(tmp_path, "better | new", [ids[i] for i in order], y[order],
                    _facts_from_correctness(y, cb, k, rng)[order])
    capsys.readouterr()
    return tmp_path / "runs", run_a, run_b, ca, cb


def test_diff_same_test_set_is_paired_json(two_models, capsys):
    runs, a, b, ca, cb = two_models
    code, out, err = run_cli(["diff", a, b, "--runs-dir", str(runs), "--format", "json", "--n-resamples", "500"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["same_test_set"] is True and result["n_shared"] == len(ca)
    acc = next(p for p in result["paired"] if p["metric"] == "accuracy")
    assert acc["difference"] == pytest.approx(cb.mean() - ca.mean())
    assert acc["excludes_zero"] is True and acc["ci_low"] > 0
    mc = result["mcnemar"]
    assert (mc["only_a"], mc["only_b"]) == (0, int((cb & ~ca).sum()))
    assert mc["p_value"] < 1e-6
    assert result["headline"].startswith("B is more accurate")
    assert [c["key"] for c in result["config"]] == ["predictions"]
    changes = [abs(c["change"]) for c in result["per_class_f1"]]
    assert changes == sorted(changes, reverse=True)


def test_diff_markdown_reads_as_a_pr_comment(two_models, capsys):
    runs, a, b, *_ = two_models
    code, out, err = run_cli(["diff", a, b, "--runs-dir", str(runs), "--n-resamples", "200"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("## modelcard diff: base")
    assert lines[1].startswith("**Verdict:** B is more accurate")  # right under the heading
    assert "better \\| new" in out  # the run name's pipe is escaped in the table
    assert "McNemar exact" in out and "### Per-class F1 (largest change first)" in out
    assert "Not measured in either run: latency per image, batch 1 (median)" in out
    assert "\n\n\n" not in out


def test_diff_different_test_sets_makes_no_paired_claim(tmp_path, capsys):
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 60)
    prob = _facts_from_correctness(y, rng.random(60) < 0.8, 3, rng)
    a = _record(tmp_path, "a", [f"x{i}" for i in range(60)], y, prob)
    b = _record(tmp_path, "b", [f"y{i}" for i in range(60)], y, prob)
    capsys.readouterr()
    code, out, err = run_cli(["diff", a, b, "--runs-dir", str(tmp_path / "runs"), "--format", "json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["same_test_set"] is False and result["paired"] == [] and result["mcnemar"] is None
    assert "different images (60 vs 60, 0 shared)" in result["test_set_note"]
    code, out, _ = run_cli(["diff", a, b, "--runs-dir", str(tmp_path / "runs")], capsys)
    assert "no paired claim is possible" in out and "### Different test sets" in out


def test_diff_same_ids_with_other_labels_is_not_paired(tmp_path, capsys):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 40)
    ids = [f"img{i}" for i in range(40)]
    prob = _facts_from_correctness(y, np.ones(40, bool), 3, rng)
    a = _record(tmp_path, "a", ids, y, prob)
    b = _record(tmp_path, "b", ids, (y + 1) % 3, prob)
    capsys.readouterr()
    code, out, _ = run_cli(["diff", a, b, "--runs-dir", str(tmp_path / "runs"), "--format", "json"], capsys)
    assert code == 0
    assert "different labels" in json.loads(out)["test_set_note"]


def test_diff_bad_run_is_one_line_exit_2(two_models, capsys):
    runs, a, *_ = two_models
    code, out, err = run_cli(["diff", a, "no-such-run", "--runs-dir", str(runs)], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "no-such-run" in err
    code, _, err = run_cli(["diff", a, a, "--runs-dir", str(runs), "--n-resamples", "5"], capsys)
    assert code == 2 and "--n-resamples" in err


def test_under_the_null_both_tests_reject_at_most_about_5_percent():
    """Two models with the same per-image success probability: a 95% test should rarely call a winner."""
    rng = np.random.default_rng(11)
    k, n, reps = 3, 150, 150
    bootstrap_rejects = mcnemar_rejects = 0
    for _ in range(reps):
        p = np.where(rng.random(n) < 0.6, 0.9, 0.5)
        ca, cb = rng.random(n) < p, rng.random(n) < p
        mcnemar_rejects += mcnemar_exact(ca, cb).p_value < 0.05
        y = rng.integers(0, k, n)
        sa = per_sample(y, _facts_from_correctness(y, ca, k, rng), 15)
        sb = per_sample(y, _facts_from_correctness(y, cb, k, rng), 15)
        acc = paired_bootstrap(sa, sb, n_resamples=300, seed=int(rng.integers(1 << 30)), metrics=("accuracy",))[0]
        bootstrap_rejects += bool(acc.excludes_zero)
    assert mcnemar_rejects / reps <= 0.08  # the exact test is conservative
    assert bootstrap_rejects / reps <= 0.12  # percentile intervals run a little narrow at this n


@pytest.mark.parametrize("recorded", [True, False], ids=["record-1.2", "older-record"])
def test_diff_shows_figures_copied_from_the_sweep_as_shared(tmp_path, recorded):
    """Two members of one sweep: B's latency was timed on A's model and both records hold the
    sweep's emissions totals. `diff` must not show those copies as B's (or A's) own figures."""
    import copy

    import card_fixtures as cf
    from modelcard.compare.diff import diff_runs
    from modelcard.render.diff_report import markdown_context, to_json

    a_record = cf.base_record()
    b_record = copy.deepcopy(a_record)
    b_record["run_id"] = "20260101T000100Z-def456"
    b_record["efficiency"]["measured_on_run"] = a_record["run_id"]
    if recorded:  # 1.2 says it; older records are read from measured_on_run and sweep membership
        a_record["efficiency"]["shared"] = {"peak_rss_mb": "sweep"}
        b_record["efficiency"]["shared"] = {"latency_ms_per_image": a_record["run_id"], "peak_rss_mb": "sweep"}
    else:
        for rec in (a_record, b_record):
            rec["schema_version"] = "1.1"
            rec["emissions"].pop("scope")
    a, b = cf.write_run(tmp_path / "a", a_record), cf.write_run(tmp_path / "b", b_record)
    d = diff_runs(a, b, n_resamples=50)
    rows = {r[0]: r[1:] for r in markdown_context(d)["efficiency"]}
    latency = rows["latency per image, batch 1 (median)"]
    assert latency[0] == "8 ms" and latency[1] == f"shared: measured on run {a_record['run_id']}'s model"
    assert latency[2] == "–"  # no change is computed from a copy
    for label in ("energy", "CO2-equivalent", "run duration (emissions tracker)"):
        assert rows[label][:2] == ["shared: measured once for the whole sweep"] * 2
    parameters = rows["parameters"]  # the architecture is not a measurement: shown as is
    assert parameters[:2] == ["2,268,232", "2,268,232"]
    energy = next(c for c in to_json(d)["efficiency"] if c["key"] == "energy_kwh")
    assert (energy["a"], energy["b"], energy["change"], energy["a_shared"]) == (None, None, None, "sweep")
