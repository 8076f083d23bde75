"""`--seeds N` and `--cv K`: stratified group folds, the CV record and card, seed spread, and the
coverage simulation of the CV interval (issue 18)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from modelcard.analysis.crossval import choose_k, folds
from modelcard.analysis.cv_estimate import cv_accuracy_interval, cv_section
from modelcard.analysis.proportions import wilson_interval
from modelcard.analysis.seed_spread import seed_list, seeds_section, spread

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from train_fixtures import make_folder, records, run_cli  # noqa: E402


def test_stratified_group_folds_keep_every_duplicate_group_in_one_fold():
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(40), rng.integers(1, 4, 40))  # groups of 1-3 copies
    labels = groups % 3
    fold_list = folds(labels, 4, seed=7, groups=groups)
    held = np.concatenate([h for _, h in fold_list])
    assert sorted(held.tolist()) == list(range(len(labels)))  # every row held out exactly once
    for fit_rows, held_out in fold_list:
        assert not set(groups[fit_rows]) & set(groups[held_out])
    again = folds(labels, 4, seed=7, groups=groups)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(fold_list, again))  # seeded


def test_choose_k_counts_distinct_groups_per_class():
    labels = np.array([0] * 6 + [1] * 6)
    groups = np.array([0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8])  # class 0: 3 distinct images in 6 files
    k, note = choose_k(labels, ["a", "b"], 5, groups)
    assert k == 3 and "class 'a' has only 3 distinct images" in note


def test_cv_interval_is_the_union_of_wilson_on_n_and_the_corrected_t():
    correct = np.array([1] * 40 + [0] * 10, dtype=bool)
    fold_of = np.arange(50) % 5
    out = cv_accuracy_interval(correct, fold_of)
    low, high = wilson_interval(40, 50)
    assert out["metric"]["value"] == 0.8 and out["wilson"] == pytest.approx([float(low), float(high)])
    assert out["metric"]["ci_low"] == pytest.approx(min(float(low), out["corrected_t"][0]))
    assert out["metric"]["ci_high"] == pytest.approx(max(float(high), out["corrected_t"][1]))
    same = cv_accuracy_interval(np.array([1, 1, 0, 0] * 10, dtype=bool), np.arange(40) // 8)  # folds agree: S^2 = 0
    assert same["corrected_t"] == [0.5, 0.5] and same["metric"]["ci_low"] == same["wilson"][0]
    assert out["fold_accuracy"] == [float(correct[fold_of == f].mean()) for f in range(5)]
    # Nadeau-Bengio: mean +- t(0.975, 4) * sqrt((1/5 + 10/40) * S^2)
    from scipy.stats import t

    acc = np.array(out["fold_accuracy"])
    half = t.ppf(0.975, 4) * np.sqrt((1 / 5 + 10 / 40) * acc.var(ddof=1))
    assert out["corrected_t"] == pytest.approx([max(0, acc.mean() - half), min(1, acc.mean() + half)])


def test_cv_section_metrics_match_sklearn():
    from sklearn.metrics import f1_score, recall_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 60)
    probs = rng.dirichlet(np.ones(3), 60)
    probs[np.arange(60), y] += 0.5 * (rng.random(60) < 0.7)
    probs /= probs.sum(axis=1, keepdims=True)
    sec = cv_section(y, probs, np.arange(60) % 5, ["a", "b", "c"], n_train=50, n_val=10, k=5, k_requested=5,
                     k_note=None, seed=0, head="h")
    pred = probs.argmax(axis=1)
    assert sec["n"] == 60 and sec["metrics"]["accuracy"]["value"] == pytest.approx((pred == y).mean())
    assert sec["metrics"]["f1_macro"]["value"] == pytest.approx(f1_score(y, pred, average="macro"))
    assert [p["recall"]["value"] for p in sec["per_class"]] == pytest.approx(recall_score(y, pred, average=None))


def test_seed_spread_matches_numpy():
    assert seed_list(4, 3) == [4, 5, 6]
    s = spread([0.9, 0.8, 0.95])
    assert s["min"] == 0.8 and s["max"] == 0.95 and s["spread"] == pytest.approx(0.15)
    assert s["std"] == pytest.approx(np.std([0.9, 0.8, 0.95], ddof=1))
    rows = [{"seed": i, "accuracy": a, "f1_macro": a - 0.01, "predictions": f"p{i}"} for i, a in enumerate([0.9, 0.8])]
    assert seeds_section(rows, 0)["spread"]["f1_macro"]["min"] == pytest.approx(0.79)


def test_cv_coverage_simulation_small_seeded_case():
    from cv_coverage import cv_coverage

    out = cv_coverage(60, reps=30, seed=1, truth_fits=20, truth_images=4000)
    assert out == cv_coverage(60, reps=30, seed=1, truth_fits=20, truth_images=4000)  # seeded
    assert 0.6 < out["truth"] < 0.95
    assert abs(out["mean_estimate"] - out["truth"]) < 0.05  # CV estimates the recipe at (K-1)/K of n
    assert out["wilson"] >= 0.8 and out["union"] >= out["wilson"]  # the union holds every Wilson hit
    assert out["width_union"] >= out["width_wilson"]


def test_finetune_cv_is_refused_before_any_run_folder(tmp_path, capsys):
    runs = tmp_path / "runs"
    code, _, err = run_cli(["train", "--data", str(tmp_path), "--mode", "finetune", "--cv", "5",
                            "--runs-dir", str(runs)], capsys)
    assert code == 2 and "--cv needs --mode head" in err and "Traceback" not in err
    assert not runs.exists() or not any(runs.iterdir())


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from modelcard.cli import main

    root = tmp_path_factory.mktemp("seeds")
    data = make_folder(root / "data", per_class=14)
    common = ["train", "--data", str(data), "--weights", "offline", "--input-size", "96", "--epochs", "3",
              "--robustness", "none", "--inference-predictions", "0", "--cache-dir", str(root / "cache")]
    assert main(common + ["--seeds", "3", "--cv", "5", "--runs-dir", str(root / "runs")]) == 0
    assert main(common + ["--seeds", "2", "--runs-dir", str(root / "again")]) == 0
    return root


@pytest.mark.slow
def test_train_seeds_and_cv_write_one_complete_run_and_card(seeded, tmp_path):
    from modelcard.record import read_record
    from modelcard.record.predictions import read_predictions

    (run,) = sorted((seeded / "runs").iterdir())
    record = read_record(run)  # schema-valid
    assert record["status"] == "complete"
    seeds, cv = record["seeds"], record["cv"]
    assert seeds["seeds"] == [0, 1, 2] and seeds["shipped_seed"] == 0
    assert seeds["per_seed"][0]["accuracy"] == record["evaluations"]["test"]["metrics"]["accuracy"]["value"]
    accs = [r["accuracy"] for r in seeds["per_seed"]]
    for r in seeds["per_seed"]:
        p = read_predictions(run / r["predictions"])
        assert r["accuracy"] == pytest.approx((p.y_prob.argmax(axis=1) == p.y_true).mean())
    assert seeds["spread"]["accuracy"]["spread"] == pytest.approx(max(accs) - min(accs))
    n_train, n_val = record["data"]["splits"]["train"]["n"], record["data"]["splits"]["val"]["n"]
    assert cv["n"] == n_train + n_val == cv["n_train"] + cv["n_val"] and cv["k"] == 5
    oof = read_predictions(run / cv["predictions"])
    assert len(oof.y_true) == cv["n"] and cv["metrics"]["accuracy"]["value"] == pytest.approx(
        (oof.y_prob.argmax(axis=1) == oof.y_true).mean())
    low, high = wilson_interval(int(round(cv["metrics"]["accuracy"]["value"] * cv["n"])), cv["n"])
    assert cv["metrics"]["accuracy"]["ci_low"] == pytest.approx(min(float(low), cv["accuracy_interval"]["corrected_t"][0]))
    assert cv["metrics"]["accuracy"]["ci_high"] >= float(high) - 1e-12
    assert "out-of-fold predictions of `--cv`" in record["label_issues"]["train"]["method"]
    kinds = [(p["kind"], p.get("subject")) for p in record["emissions"]["phases"]]
    assert ("seeds", "seed 1") in kinds and ("seeds", "seed 2") in kinds and ("cross_validation", None) in kinds
    assert ("data_card", "label_issues") not in kinds  # --cv: no separate label-issue folds
    # one seed list -> the same predictions (the second run trained seeds 0 and 1 again)
    (other,) = sorted((seeded / "again").iterdir())
    again = read_record(other)
    assert again["seeds"]["per_seed"][1]["accuracy"] == seeds["per_seed"][1]["accuracy"]
    np.testing.assert_allclose(read_predictions(other / "predictions/test.seed1.npz").y_prob,
                               read_predictions(run / "predictions/test.seed1.npz").y_prob, atol=1e-6)
    from modelcard.record import RunRef
    from modelcard.render.build import build_cards
    from number_trace import untraced

    result = build_cards(RunRef(run, record), tmp_path / "cards", formats=["md", "html"])
    md = next(p for p in result.written if p.name.endswith(".md") and not p.name.endswith(".data.md")).read_text()
    assert "### Training seeds and cross-validation" in md
    assert f"| the recipe (5-fold cross-validation) | {cv['n']} train+val |" in md
    assert "Cross-validation estimates the recipe" in md and "estimates the one shipped model" in md
    assert f"Retrained with 3 seeds (0, 1, 2)" in md
    assert f"cross-validation on its {cv['n']} train+val images puts the recipe at" in md  # the summary
    assert not untraced(md, record, "")


def _seed_record(accuracy: float, seed_accs: list[float]) -> dict:
    return {"evaluations": {"test": {"metrics": {"accuracy": {"value": accuracy}}}},
            "seeds": seeds_section([{"seed": i, "accuracy": a, "f1_macro": a, "predictions": "p"}
                                    for i, a in enumerate(seed_accs)], 0)}


def test_a_change_smaller_than_the_seed_spread_is_within_seed_noise():
    from modelcard.compare.seed_noise import seed_noise, seed_noise_sentence

    a, b = _seed_record(0.90, [0.90, 0.85, 0.95]), _seed_record(0.94, [0.94, 0.92, 0.93])
    noise = seed_noise(a, b)
    assert noise.within and noise.change == pytest.approx(0.04) and noise.spread == pytest.approx(0.10)
    assert seed_noise_sentence(noise).startswith("Within seed noise: accuracy B - A = +0.040")
    far = seed_noise(a, _seed_record(1.0, [1.0, 0.99, 1.0]))
    assert not far.within and seed_noise_sentence(far) is None
    assert seed_noise({"evaluations": a["evaluations"]}, b) is None  # one run without seeds: no claim


_GATES = ["cv.accuracy.ci_low >= 0.5", "seeds.accuracy.spread <= 0.2", "seeds.accuracy.min >= 0.85"]


def test_seed_and_cv_gates_read_the_record():
    from modelcard.check.gates import evaluate_gate
    from modelcard.check.policy import parse_gate

    record = _seed_record(0.90, [0.90, 0.85, 0.95])
    record["cv"] = {"metrics": {"accuracy": {"value": 0.8, "ci_low": 0.7, "ci_high": 0.88}}}
    results = [evaluate_gate(parse_gate(g), record) for g in _GATES]
    assert [r.value for r in results] == pytest.approx([0.7, 0.10, 0.85])
    assert all(r.passed for r in results)
    assert not evaluate_gate(parse_gate("seeds.accuracy.spread <= 0.05"), record).passed
    missing = [evaluate_gate(parse_gate(g), {"evaluations": {}}) for g in _GATES]
    assert all(not r.passed and r.reason.startswith("not measured") for r in missing)


@pytest.mark.slow
def test_diff_of_two_seeded_runs_says_within_seed_noise(seeded):
    from modelcard.compare.diff import diff_runs
    from modelcard.render.diff_report import headline
    from modelcard.record import RunRef, read_record

    (a,), (b,) = sorted((seeded / "runs").iterdir()), sorted((seeded / "again").iterdir())
    d = diff_runs(RunRef(a, read_record(a)), RunRef(b, read_record(b)), n_resamples=200)
    assert d.seed_noise is not None and d.seed_noise.change == 0.0  # the same shipped seed, the same data
    assert d.seed_noise.spread > 0 and d.seed_noise.within  # 6 test images: seeds move accuracy
    assert headline(d).startswith("Within seed noise") and "Single-seed comparison: " in headline(d)


@pytest.mark.slow
def test_finetune_mode_trains_every_seed_end_to_end(tmp_path, capsys):
    from modelcard.record.predictions import read_predictions

    data = make_folder(tmp_path / "data", per_class=8)
    code, _, err = run_cli(["train", "--data", str(data), "--mode", "finetune", "--weights", "offline", "--seeds", "2",
                            "--input-size", "96", "--epochs", "1", "--finetune-blocks", "1", "--robustness", "none",
                            "--inference-predictions", "0", "--label-issues", "none",
                            "--runs-dir", str(tmp_path / "runs"), "--cache-dir", str(tmp_path / "cache")], capsys)
    assert code == 0, err
    (record,) = records(tmp_path / "runs")
    (run,) = sorted((tmp_path / "runs").iterdir())
    assert record["status"] == "complete" and record["seeds"]["seeds"] == [0, 1] and "cv" not in record
    shipped, other = (read_predictions(run / r["predictions"]) for r in record["seeds"]["per_seed"])
    assert np.array_equal(shipped.ids, other.ids) and not np.allclose(shipped.y_prob, other.y_prob)  # retrained
    assert [p["subject"] for p in record["emissions"]["phases"] if p["kind"] == "seeds"] == ["seed 1"]


@pytest.mark.parametrize("flags, message", [(["--seeds", "0"], "--seeds 0 must be at least 1"),
                                            (["--cv", "1"], "--cv 1 must be 0 (off) or at least 2 folds")])
def test_bad_seeds_or_cv_is_one_line_before_any_run_folder(tmp_path, capsys, flags, message):
    runs = tmp_path / "runs"
    code, _, err = run_cli(["train", "--data", str(tmp_path), *flags, "--runs-dir", str(runs)], capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not runs.exists() or not any(runs.iterdir())


def test_seeds_and_cv_are_toml_keys(tmp_path):
    from training.config import load_config

    (tmp_path / "c.toml").write_text("seeds = 3\ncv = 5\n")
    config = load_config(tmp_path / "c.toml", {"seeds": "4"})
    assert (config.seeds, config.cv) == (4, 5)
