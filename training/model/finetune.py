"""Fine-tuning: unfreeze the top N blocks of the backbone and train on augmented images.

Blocks are found from Keras Applications' layer names (`block_16_*` in MobileNetV2,
`conv5_block3_*` in ResNet50V2/DenseNet121, `block7a_*` in EfficientNetB0); layers after the
last block (e.g. MobileNetV2's `Conv_1`) belong to it. BatchNorm layers stay frozen, which in
Keras 3 also keeps them in inference mode, so small batches cannot wreck their statistics.
"""

from __future__ import annotations

import re

from modelcard.errors import UserError

BLOCK_NAME = re.compile(r"^(block_?\d+[a-z]?|conv\d+_block\d+)_")


def block_ids(layer_names: list[str]) -> list[str | None]:
    """The block each layer belongs to (None before the first block: the stem)."""
    ids, current = [], None
    for name in layer_names:
        match = BLOCK_NAME.match(name)
        if match:
            current = match.group(1)
        ids.append(current)
    return ids


def unfreeze_top_blocks(backbone_model, n_blocks: int) -> list[str]:
    """Make the last `n_blocks` blocks trainable (BatchNorm excepted); returns their names."""
    import keras

    names = [layer.name for layer in backbone_model.layers]
    ids = block_ids(names)
    order = list(dict.fromkeys(i for i in ids if i is not None))
    if not order:
        raise UserError(f"cannot find blocks in backbone {backbone_model.name}; use --mode head")
    top = set(order[-n_blocks:])
    backbone_model.trainable = True
    for layer, block in zip(backbone_model.layers, ids):
        layer.trainable = block in top and not isinstance(layer, keras.layers.BatchNormalization)
    return [b for b in order if b in top]


#: What `augmentation` does, as the record states it (`training.augmentation`).
AUGMENTATION = "random horizontal flips, rotations of up to 36 degrees either way and zooms of up to 10%"


def augmentation(seed: int):
    """Random flip, rotation and zoom, applied to training batches in the tf.data pipeline."""
    import keras

    return keras.Sequential([
        keras.layers.RandomFlip("horizontal", seed=seed),
        keras.layers.RandomRotation(0.1, fill_mode="reflect", seed=seed),
        keras.layers.RandomZoom(0.1, fill_mode="reflect", seed=seed),
    ], name="augmentation")


def _classifier(spec, cfg, n_classes: int):
    """(model, head, extractor, unfrozen blocks, weights info): the backbone with its top blocks
    unfrozen and a fresh head, compiled."""
    import keras

    from .backbones import build_backbone
    from .fit import compile_classifier
    from .full_model import build_extractor, build_head

    size = spec.input_size
    backbone, info = build_backbone(spec)
    blocks = unfreeze_top_blocks(backbone, cfg.finetune_blocks)
    extractor = build_extractor(backbone, spec.name, size)
    head = build_head(int(extractor.output_shape[-1]), n_classes, cfg.dropout)
    pixels = keras.Input((size, size, 3), name="pixels")
    model = keras.Model(pixels, head(extractor(pixels)), name="finetune")
    compile_classifier(model, cfg.optimizer, cfg.effective_learning_rate(), cfg.momentum)
    return model, head, extractor, blocks, info


def fit_end_to_end(spec, data, cfg):
    """(model, head, extractor, FitResult, unfrozen blocks, weights info): the backbone's top blocks
    unfrozen, a fresh head, trained on augmented images of the train split, early-stopped on val.

    Built and fitted in the strategy's scope; under a strategy the three models returned are
    plain copies holding the fitted weights, built outside it (see `training.distributed.strategy`)."""
    import keras

    from ..distributed.strategy import distributed, fit_scope
    from .features import image_dataset
    from .fit import fit

    ds, size = data.dataset, spec.input_size
    n_classes = len(ds.class_names)
    with fit_scope():
        keras.utils.set_random_seed(cfg.seed)
        model, head, extractor, blocks, info = _classifier(spec, cfg, n_classes)
    train_paths, train_y = data.inputs(ds, "train")  # the input pipeline (and its augmentation) outside
    val_paths, val_y = data.inputs(ds, "val")
    train_ds = image_dataset(train_paths, size, cfg.batch_size, labels=train_y, augment=augmentation(cfg.seed),
                             shuffle_seed=cfg.seed)
    val_ds = image_dataset(val_paths, size, cfg.batch_size, labels=val_y)
    with fit_scope():
        result = fit(model, train_ds, validation_data=val_ds, batch_size=None, epochs=cfg.epochs,
                     patience=cfg.patience)
    if distributed():
        local = _classifier(spec, cfg, n_classes)
        local[0].set_weights(model.get_weights())
        model, head, extractor = local[:3]
    return model, head, extractor, result, blocks, info
