"""`diff` output: Markdown that reads as a pull-request comment (verdict first), and JSON.

The Markdown goes through `templates/diff.md.jinja` with the card's Markdown macros, so every
value from a record is escaped as in a card (`|`, backticks and newlines in table cells).
"""

from __future__ import annotations

from dataclasses import asdict

from ..card import formatting as fmt
from ..compare.diff import Change, RunDiff
from ..record.measured import shared_words
from ..compare.facts import RunFacts
from ..compare.seed_noise import seed_noise_sentence

NOT_MEASURED = "not measured"
METRIC_LABELS = {"accuracy": "accuracy", "f1_macro": "macro F1"}


def _value(kind: str, value) -> str:
    if value is None:
        return NOT_MEASURED
    formatter = {"score": fmt.num, "ms": lambda v: f"{v:.3g} ms", "bytes": fmt.size, "count": fmt.count,
                 "seconds": fmt.seconds, "kwh": lambda v: f"{v:.3g} kWh", "kg": lambda v: f"{v:.3g} kg",
                 "rate": lambda v: f"{v:.4g}"}.get(kind, fmt.plain)
    return formatter(value)


def _signed(value, digits: int = 3) -> str:
    return fmt.MISSING if value is None else f"{value:+.{digits}f}"


def _cell(row: Change, side: str) -> str:
    """A's or B's efficiency figure, or "shared: ..." when that run did not measure it itself."""
    shared = getattr(row, f"{side}_shared")
    return shared_words(shared) if shared else _value(row.kind, getattr(row, side))


def _change(row: Change) -> str:
    if row.change is None:
        return fmt.MISSING
    if row.kind == "score":
        return _signed(row.change)
    ratio = f" (x{row.ratio:.3g})" if row.ratio is not None else ""
    return f"{row.change:+.3g}{ratio}"


def _setting(value) -> str:
    if value is None:
        return "not set"
    return fmt.plain(value) if value not in ([], {}, "") else "(empty)"


def _label(f: RunFacts) -> str:
    return f"{f.name} ({f.run_id})"


def headline(d: RunDiff) -> str:
    """One sentence a reviewer can act on: is B better than A on these test images? With both runs'
    seed results, a change smaller than the seed spread is called within seed noise first."""
    noise = seed_noise_sentence(d.seed_noise)
    single = _single_seed_headline(d)
    return f"{noise} Single-seed comparison: {single}" if noise else single


def _single_seed_headline(d: RunDiff) -> str:
    if not d.same_test_set:
        return (f"Test sets differ ({d.test_set_note}), so no paired claim is possible: compare each run's own "
                f"interval below (A {fmt.metric(d.a.accuracy)}, B {fmt.metric(d.b.accuracy)} test accuracy).")
    acc = next(p for p in d.paired if p.metric == "accuracy")
    level = f"{d.bootstrap['confidence']:.0%}"
    interval = f"{level} CI [{_signed(acc.ci_low)}, {_signed(acc.ci_high)}]"
    mc = d.mcnemar
    mcnemar = f"McNemar exact p = {mc.p_value:.3g} ({mc.only_a} image(s) only A got right, {mc.only_b} only B)"
    if acc.excludes_zero:
        better = "B" if acc.difference > 0 else "A"
        return (f"{better} is more accurate: accuracy B - A = {_signed(acc.difference)}, {interval} on the same "
                f"{d.n_shared} test images (paired bootstrap); {mcnemar}.")
    return (f"No supported difference in accuracy: B - A = {_signed(acc.difference)}, {interval} includes 0 on the "
            f"same {d.n_shared} test images (paired bootstrap); {mcnemar}.")


def markdown_context(d: RunDiff) -> dict:
    """Plain strings and rows for `diff.md.jinja`."""
    runs = [[tag, f.run_id, f.name, fmt.metric(f.accuracy) if f.accuracy else NOT_MEASURED,
             fmt.metric(f.f1_macro) if f.f1_macro else NOT_MEASURED] for tag, f in (("A", d.a), ("B", d.b))]
    paired = [[METRIC_LABELS.get(p.metric, p.metric), fmt.num(p.a), fmt.num(p.b), _signed(p.difference),
               f"[{_signed(p.ci_low)}, {_signed(p.ci_high)}]",
               fmt.MISSING if p.excludes_zero is None else ("yes" if p.excludes_zero else "no")] for p in d.paired]
    mc = d.mcnemar
    mcnemar = None if mc is None else [[mc.only_a, mc.only_b, mc.both_right, mc.both_wrong, f"{mc.p_value:.4g}"]]
    per_class = [[r.label, _value("score", r.a), _value("score", r.b), _change(r)] for r in d.per_class_f1]
    config = [[r.label, _setting(r.a), _setting(r.b)] for r in d.config]
    known = [r for r in d.efficiency if r.a is not None or r.b is not None or r.a_shared or r.b_shared]
    efficiency = [[r.label, _cell(r, "a"), _cell(r, "b"), _change(r)] for r in known]
    unmeasured = [r.label for r in d.efficiency if r not in known]
    return {"title": f"modelcard diff: {_label(d.a)} → {_label(d.b)}", "headline": headline(d), "runs": runs,
            "same_test_set": d.same_test_set, "test_set_note": d.test_set_note, "paired": paired,
            "mcnemar": mcnemar, "mcnemar_method": mc.method if mc else None, "bootstrap": d.bootstrap,
            "per_class": per_class, "config": config, "efficiency": efficiency, "unmeasured": unmeasured, "warnings": d.warnings}


def render_markdown(d: RunDiff, templates_dir=None) -> str:
    """The pull-request comment."""
    from .build import tidy_markdown
    from .environment import environment, macros, templates_dir as find_templates

    env = environment(find_templates(templates_dir))
    return tidy_markdown(env.get_template("diff.md.jinja").render(m=macros(env, "md"), **markdown_context(d)))


def to_json(d: RunDiff) -> dict:
    """Every number at full precision, for machines (changes as `b - a`)."""
    def change(row: Change) -> dict:
        return {"key": row.key, "label": row.label, "a": row.a, "b": row.b, "change": row.change, "ratio": row.ratio,
                "a_shared": row.a_shared, "b_shared": row.b_shared}

    return {
        "a": asdict(d.a), "b": asdict(d.b), "headline": headline(d),
        "same_test_set": d.same_test_set, "test_set_note": d.test_set_note, "n_shared": d.n_shared,
        "paired_bootstrap": d.bootstrap if d.same_test_set else None,
        "paired": [asdict(p) for p in d.paired], "mcnemar": asdict(d.mcnemar) if d.mcnemar else None,
        "per_class_f1": [change(r) for r in d.per_class_f1], "config": [change(r) for r in d.config],
        "efficiency": [change(r) for r in d.efficiency], "warnings": list(d.warnings),
        "seed_noise": None if d.seed_noise is None else {**asdict(d.seed_noise), "spread": d.seed_noise.spread},
    }
