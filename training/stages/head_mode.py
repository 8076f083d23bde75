"""Head mode: a frozen backbone, features extracted once per split, a head fit per member.

Its fit stage fits a head on the cached features; the stages after it are the shared ones
(`post_fit.py`), in the order `HEAD_MEMBER` / `HEAD_CHOSEN` / `HEAD_FINISH` give: every
member is fitted and evaluated first, then the selected member's full model is saved and
measured, one corrupted pass serves every member's head, and each member gets its examples
and efficiency (its head has the selected member's shape, so that model's figures stand for it:
`borrowed_measurement` makes the other members' `Measured` from the chosen one's).
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from ..collectors import emissions_phase
from ..config import TrainConfig
from ..data import Dataset
from ..measure.evaluation import slice_attributes
from ..model.backbones import BackboneSpec, build_backbone, count_params
from ..model.features import FeatureKey, cache_root, samples_digest, weights_id
from ..model.fit import epoch_usage, fit_head
from ..model.full_model import build_extractor, build_full_model, preprocessing_text
from ..progress import about, log
from .collected import collected_stages
from .members import EXTRACT_BATCH, LoadedData, MemberRun, member_context
from .context import FitTimings, Measured, MemberContext, Pace, TestPredictions
from .pipeline import Output, Stage, output, run_stages, stage
from .run_sections import model_section, training_section, write_history
from .worker_steps import shared_split_features
from .post_fit import (data_card, efficiency, examples, evaluation, fit_stage, measure_model, robustness,
                       save_model, training_timings)

HEAD_WEIGHTS_FILE = "head.weights.h5"
HEAD_CHOSEN = (save_model, measure_model)      # the selected member of a spec group only
# every member, once the group is fitted (the others first `borrowed_measurement`); the discovered
# collectors (`collected.py`) run just before `efficiency`
HEAD_FINISH = (robustness, examples, *collected_stages("head"), efficiency)


def head_member(fit_stage: Stage) -> tuple[Stage, ...]:
    """A member's stages while its group is being fitted."""
    return (fit_stage, evaluation, training_timings, data_card)


class HeadEngine:
    """Features of every split extracted (or read from the cache) once; a head per member."""

    features_note = None

    def __init__(self, config: TrainConfig, spec: BackboneSpec, data: LoadedData):
        import keras

        self.config, self.spec, self.data = config, spec, data
        keras.utils.set_random_seed(config.seed)  # a random backbone (--weights none) follows the seed
        backbone, info = build_backbone(spec)
        backbone.trainable = False
        self.weights = info.to_dict()
        self.extractor = build_extractor(backbone, spec.name, spec.input_size)
        self.preprocessing = preprocessing_text(spec.name, spec.input_size)
        wid = weights_id(info.sha256, info.source, config.seed)
        root = cache_root(config.cache_dir) if config.feature_cache else None
        start = time.perf_counter()
        self.features: dict[tuple[str, str], np.ndarray] = {}
        self.from_cache = True
        n_extracted = 0
        sets = [("train", data.dataset, "train"), ("val", data.dataset, "val")]
        sets += [(name, s.dataset, s.split) for name, s in data.evaluation_sets().items()]
        for set_name, ds, split in sets:
            paths, _ = data.inputs(ds, split)
            key = FeatureKey(ds.content_hash, split, samples_digest([s.sha256 for s in ds.splits[split]]),
                             spec.name, spec.alpha, wid, spec.input_size, self.preprocessing)
            with emissions_phase("feature_extraction", subject=set_name):
                feats, cached = shared_split_features(key, self.extractor, paths, spec.input_size, EXTRACT_BATCH,
                                                      f"extracting {set_name}", root)  # each worker its share
            if not cached:
                log(f"features for split {set_name!r}: extracted {len(paths)} images")
                n_extracted += len(paths)
            self.from_cache &= cached
            self.features[(set_name, split)] = feats
        self.extract_s = time.perf_counter() - start
        self.extract_ips = n_extracted / self.extract_s if n_extracted and self.extract_s > 0 else None
        self.total_params = count_params(self.extractor)[0]
        self.attributes: dict[str, object] = {}

    def train_features(self) -> np.ndarray:
        """The training split's cached backbone features (for the data card's K-fold heads)."""
        return self.features[("train", "train")]

    def _xy(self, set_name: str, split: str, ds: Dataset):
        return self.features[(set_name, split)], np.asarray([s.label for s in ds.splits[split]], dtype=np.int64)

    def fit_head(self, cfg: TrainConfig):
        """(head, FitResult): a head fitted on the cached train features with `cfg`, early-stopped on val."""
        ds = self.data.dataset
        return fit_head(*self._xy("train", "train", ds), *self._xy("val", "val", ds), len(ds.class_names), cfg)

    def seed_probs(self, cfg: TrainConfig) -> np.ndarray:
        """Test-split probabilities of a head retrained with `cfg` (`--seeds`)."""
        return self.fit_head(cfg)[0].predict(self.features[("test", "test")], batch_size=256, verbose=0)

    def train_member(self, member: MemberRun, distribution: dict, data_card) -> None:
        """Fit `member`'s head and run its stages up to the group's end (`head_member`)."""
        member.ctx = member_context(
            member, self.data, predict=lambda name, s: member.head.predict(self.features[(name, s.split)],
                                                                            batch_size=256, verbose=0),
            full_model=lambda: build_full_model(self.extractor, member.head, self.spec.input_size),
            attributes=self._attributes, data_card=data_card)
        fit = fit_stage("head_fit", lambda ctx: self._fit(member, distribution))
        run_stages(head_member(fit), member.ctx, member.made)

    def _fit(self, member: MemberRun, distribution: dict) -> Output:
        """The fit stage: the head, `training`, `history.csv`, `model`, `head.weights.h5`."""
        from ..weights.keras_io import save_weights_atomic

        cfg, ds = member.config, self.data.dataset
        with emissions_phase("fit", run_id=member.writer.run_id):
            head, result = self.fit_head(cfg)
        member.result, member.head = result, head
        timings = {"feature_extraction_s": self.extract_s, "fit_s": result.fit_s}
        training = training_section(cfg, result, timings, distribution, features_from_cache=self.from_cache,
                                    **epoch_usage(len(ds.splits["train"]), cfg.batch_size))
        write_history(member.writer, result.history)
        head_params = count_params(head)
        model = model_section(self.spec, self.weights, dropout=cfg.dropout, n_classes=len(ds.class_names),
                              preprocessing=self.preprocessing, total_params=self.total_params + head_params[0],
                              trainable_params=head_params[1], file_info=None)
        save_weights_atomic(head, member.writer.path / HEAD_WEIGHTS_FILE)
        member.writer.add_artifact("head_weights", HEAD_WEIGHTS_FILE)
        n_train = training["images_per_epoch"] * result.epochs_run  # the images the fit used
        pace = Pace(train_images_per_s=n_train / result.fit_s if result.fit_s > 0 else None,
                    extract_images_per_s=self.extract_ips)
        return output(FitTimings(timings), pace, training=training, model=model)

    def _attributes(self, set_name: str, eval_set):
        """Slice attributes of a set, read from the files once for all members."""
        if set_name not in self.attributes:
            self.attributes[set_name] = slice_attributes(eval_set.samples, self.data.metadata)
        return self.attributes[set_name]

    def finish(self, members: list[MemberRun], chosen: MemberRun) -> None:
        """Save and measure the chosen member's full model, then every member's last stages."""
        full = build_full_model(self.extractor, chosen.head, self.spec.input_size, name=chosen.writer.name)
        chosen.ctx = dataclasses.replace(chosen.ctx, full_model=lambda: full)
        with about(chosen.label):
            run_stages(HEAD_CHOSEN, chosen.ctx, chosen.made)
        borrowed = borrowed_measurement(chosen)
        results = []

        def shared_robustness():
            if not results:
                from ..robustness import run_robustness

                with emissions_phase("robustness", subject="test"):  # one corrupted set serves every member's head
                    results.extend(run_robustness(
                        self.config.robustness, model=self.extractor.predict_on_batch,
                        heads=[m.head.predict_on_batch for m in members], paths=chosen.ctx.test_paths,
                        y_true=chosen.ctx.test_labels, class_names=self.data.dataset.class_names,
                        input_size=self.spec.input_size, seed=self.config.seed, batch_size=EXTRACT_BATCH,
                        clean_probs=_headlines(members)))
            return results

        for index, member in enumerate(members):
            member.ctx = dataclasses.replace(member.ctx,
                                             shared_robustness=lambda index=index: shared_robustness()[index])
        for member in members:
            run_stages(HEAD_FINISH if member is chosen else (borrowed, *HEAD_FINISH), member.ctx, member.made)


def _headlines(members: list[MemberRun]) -> list | None:
    """Each member's headline test probabilities (its evaluation's `TestPredictions`), None if one lacks them."""
    probs = [m.made[TestPredictions].probs if TestPredictions in m.made else None for m in members]
    return None if any(p is None for p in probs) else probs


def borrowed_measurement(chosen: MemberRun) -> Stage:
    """The stage that gives a member other than the chosen one its `Measured`: same backbone and head
    shape, so the chosen member's model figures stand for its own, with its own trainable parameters,
    no model file and no inference cost of its own."""
    shared = {k: v for k, v in chosen.made[Measured].figures.items() if k != "trainable_params"}

    @stage(makes=(Measured,), name="borrowed_measurement")
    def borrowed(ctx: MemberContext) -> Output:
        return output(Measured({**shared, "measured_on_run": chosen.writer.run_id, "model_file_bytes": None,
                                "trainable_params": _trainable_params(ctx.writer)}))

    return borrowed


def _trainable_params(writer) -> int | None:
    """The trainable parameters its fit recorded (its own head), e.g. 10248."""
    model = writer.view().model
    return model.trainable_params if model else None
