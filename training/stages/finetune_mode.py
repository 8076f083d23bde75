"""Finetune mode: each member unfreezes the top blocks and trains on augmented images.

Its fit stage trains the model end to end; every member keeps its own full model (its backbone
weights are its own), so each runs every shared stage itself (`FINETUNE_MEMBER`), and only
`efficiency` waits for the whole group (peak memory of the group, as head mode records it).
"""

from __future__ import annotations

import numpy as np

from ..collectors import emissions_phase
from ..config import TrainConfig
from ..model.backbones import BackboneSpec, count_params
from ..model.features import extract
from ..model.finetune import AUGMENTATION, fit_end_to_end
from ..model.fit import epoch_usage
from ..model.full_model import build_full_model, preprocessing_text
from .context import metadata_attributes
from .collected import collected_stages
from .members import EXTRACT_BATCH, LoadedData, MemberRun, member_context
from .context import FitTimings, Pace
from .pipeline import Output, Stage, output, run_stages
from .run_sections import model_section, training_section, write_history
from .post_fit import (data_card, efficiency, evaluation, examples, fit_stage, measure_model, robustness,
                       save_model, training_timings)

FINETUNE_FINISH = (*collected_stages("finetune"), efficiency)  # the discovered collectors (`collected.py`) first


def finetune_member(fit_stage: Stage) -> tuple[Stage, ...]:
    """A member's stages, run as soon as it is trained."""
    return (fit_stage, evaluation, training_timings, data_card, save_model, measure_model, robustness, examples)


class FinetuneEngine:
    """One end-to-end training per member."""

    features_note = "finetune mode: the heads use the frozen backbone's features from before fine-tuning"

    def __init__(self, config: TrainConfig, spec: BackboneSpec, data: LoadedData):
        self.config, self.spec, self.data = config, spec, data
        self.preprocessing = preprocessing_text(spec.name, spec.input_size)

    def train_features(self) -> np.ndarray:
        """Features of the frozen backbone before fine-tuning (extracted and cached as head mode does)."""
        from .head_mode import HeadEngine

        return HeadEngine(self.config, self.spec, self.data).train_features()

    def seed_probs(self, cfg: TrainConfig) -> np.ndarray:
        """Test-split probabilities of the model fine-tuned again with `cfg` (`--seeds`)."""
        paths, _ = self.data.inputs(self.data.dataset, "test")
        model = fit_end_to_end(self.spec, self.data, cfg)[0]
        return extract(model, paths, self.spec.input_size, EXTRACT_BATCH, "predicting test")

    def train_member(self, member: MemberRun, distribution: dict, data_card) -> None:
        """Train `member` end to end and run all its stages but `efficiency`."""
        trained = {}

        def predict(name, eval_set):
            paths, _ = self.data.inputs(eval_set.dataset, eval_set.split)
            return extract(trained["model"], paths, self.spec.input_size, EXTRACT_BATCH, f"predicting {name}")

        def full_model():
            if "full" not in trained:
                trained["full"] = build_full_model(member.extractor, member.head, self.spec.input_size,
                                                   name=member.writer.name)
            return trained["full"]

        member.ctx = member_context(member, self.data, predict=predict, full_model=full_model,
                                    attributes=metadata_attributes(self.data.metadata), data_card=data_card,
                                    robust_model=lambda: trained["model"])
        fit = fit_stage("finetune_fit", lambda ctx: self._fit(member, distribution, trained))
        run_stages(finetune_member(fit), member.ctx, member.made)

    def _fit(self, member: MemberRun, distribution: dict, trained: dict) -> Output:
        """The fit stage: the trained model, `training`, `history.csv`, `model` and its warnings."""
        cfg, ds = member.config, self.data.dataset
        n_train = len(ds.splits["train"])
        with emissions_phase("fit", run_id=member.writer.run_id):
            model, head, extractor, result, blocks, info = fit_end_to_end(self.spec, self.data, cfg)
        member.result, member.head, member.extractor, trained["model"] = result, head, extractor, model
        timings = {"fit_s": result.fit_s}
        training = training_section(cfg, result, timings, distribution, unfrozen_blocks=blocks,
                                    batchnorm_frozen=True, augmentation=AUGMENTATION,
                                    **epoch_usage(n_train, cfg.batch_size, drop_remainder=False))
        write_history(member.writer, result.history)
        total, trainable = count_params(model)
        pace = Pace(train_images_per_s=n_train * result.epochs_run / result.fit_s if result.fit_s > 0 else None)
        return output(FitTimings(timings), pace, training=training, model=model_section(
            self.spec, info.to_dict(), dropout=cfg.dropout, n_classes=len(ds.class_names),
            preprocessing=self.preprocessing, total_params=total, trainable_params=trainable, file_info=None))

    def finish(self, members: list[MemberRun], chosen: MemberRun) -> None:
        for member in members:
            run_stages(FINETUNE_FINISH, member.ctx, member.made)
