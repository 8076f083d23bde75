"""The card's top warnings: training records facts, the card words them, each once.

Random starting weights (`model.weights.pretrained` false) and a model trained elsewhere
(`created_by` evaluate) are worded by the card from the record's fields; records made before
the card worded them also hold training's own sentence, which the card then drops."""

import copy

import card_fixtures as cf

from modelcard.card.sections.header import RANDOM_WEIGHTS, TRAINED_ELSEWHERE, card_warnings
from modelcard.record.model import RunRecord

OLD_RANDOM = ("no pretrained weights were used (--weights none): the backbone is random, so these results say "
              "nothing about a real model")


def _warnings(record: dict) -> list[str]:
    return card_warnings(RunRecord.of(record))


def test_random_weights_are_worded_from_the_weights_field_once():
    record = cf.base_record(pretrained=False, sweep=False)
    record["warnings"] = []  # as training writes it now: the fact only
    assert _warnings(record).count(RANDOM_WEIGHTS) == 1
    old = copy.deepcopy(record)
    old["warnings"] = [OLD_RANDOM, "example grid not made: OSError: disk full"]  # a record of an earlier release
    shown = _warnings(old)
    assert RANDOM_WEIGHTS in shown and OLD_RANDOM not in shown
    assert "example grid not made: OSError: disk full" in shown  # a warning that is not a restated fact stays
    assert not any("pretrained" in w.lower() for w in _warnings(cf.base_record(sweep=False)))


def test_a_model_trained_elsewhere_is_worded_from_created_by():
    record = cf.base_record(sweep=False)
    record["created_by"] = "evaluate"
    assert _warnings(record).count(TRAINED_ELSEWHERE) == 1
    record["warnings"] = [TRAINED_ELSEWHERE]  # an earlier release wrote the sentence into the record
    assert _warnings(record).count(TRAINED_ELSEWHERE) == 1
    assert TRAINED_ELSEWHERE not in _warnings(cf.base_record(sweep=False))


def test_training_writes_no_card_sentence_for_these_facts():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "training"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py")))
    assert "no pretrained weights were used (--weights none)" not in text
    assert "this model was trained elsewhere: its training data" not in text


def test_fine_tuning_is_worded_from_the_training_section():
    from modelcard.card.sections.header import finetune_sentence

    record = cf.base_record(sweep=False)
    record["training"].update(mode="finetune", unfrozen_blocks=["block_16", "Conv_1"], batchnorm_frozen=True,
                              augmentation="random horizontal flips")
    sentence = ("fine-tuned: the top 2 backbone blocks were trained (block_16, Conv_1), BatchNorm layers kept frozen; "
                "training used random horizontal flips")
    assert finetune_sentence(RunRecord.of(record)) == sentence and _warnings(record).count(sentence) == 1
    record["warnings"] = ["fine-tuned: the top 2 backbone blocks were trained (block_16, Conv_1), BatchNorm layers "
                          "kept frozen; training used random flips, rotations and zooms"]  # an earlier release's
    assert _warnings(record).count(sentence) == 1 and len([w for w in _warnings(record) if "fine-tuned" in w]) == 1
    older = cf.base_record(sweep=False)  # before the augmentation field: training's own sentence is the only one
    older["training"].update(mode="finetune", unfrozen_blocks=["block_16"])
    older["warnings"] = ["fine-tuned: the top 1 backbone blocks were trained (block_16), ..."]
    assert finetune_sentence(RunRecord.of(older)) is None
    assert _warnings(older) == ["fine-tuned: the top 1 backbone blocks were trained (block_16), ..."]


def test_workers_whose_energy_was_not_measured_are_worded_from_emissions_cluster():
    from modelcard.card.sections.header import unmeasured_workers_sentence

    record = cf.base_record(sweep=False)
    rows = [{"worker": 0, "measured": True}, {"worker": 1, "measured": False}]
    record["emissions"]["cluster"] = {"workers": 2, "workers_measured": 1, "per_worker": rows, "emissions_kg": 1e-5}
    sentence = "emissions: the energy of 1 of the 2 workers was not measured; the carbon figure sums the others"
    assert _warnings(record).count(sentence) == 1
    record["warnings"] = ["emissions: the energy of 1 of the 2 workers was not measured; emissions.cluster sums the "
                          "others"]  # an earlier release wrote it into the record
    assert [w for w in _warnings(record) if w.startswith("emissions: the energy")] == [sentence]
    record["emissions"]["cluster"].update(workers_measured=2, per_worker=[{"worker": 0, "measured": True},
                                                                         {"worker": 1, "measured": True}])
    assert unmeasured_workers_sentence(RunRecord.of(record)) is None
