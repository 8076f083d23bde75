"""Technical Specifications: architecture, objective, hardware, packages and provenance."""

from __future__ import annotations

from ...record.model import RunRecord
from .. import formatting as fmt
from ..parts import TechnicalSpecs
from ..section_spec import CoverageItem, Heading, SectionSpec
from .model_details import BACKBONES


#: How each training mode is named: the architecture line's words and the front matter's `training_type`.
MODE_WORDS = {"head": "frozen backbone, only the head trained", "finetune": "backbone fine-tuned"}


def training_type(record: RunRecord) -> str:
    """What training this run did, from its recorded mode and starting weights, e.g.
    "transfer learning (frozen pretrained backbone, only the head trained)" for mode `head`."""
    mode = record.training.mode if record.training else None
    pretrained = bool(record.model and record.model.weights.pretrained)
    if record.training is None:
        return "none (no training in this run: evaluation only)"
    if mode == "head":
        return ("transfer learning (frozen pretrained backbone, only the head trained)" if pretrained
                else "training from random weights (frozen random backbone, only the head trained)")
    if mode == "finetune":
        return ("fine-tuning (pretrained backbone's top blocks and the head trained)" if pretrained
                else "training from random weights (backbone's top blocks and the head trained)")
    return f"{mode or 'not recorded'} (training mode as recorded)"


def technical_specs(record: RunRecord) -> TechnicalSpecs:
    model = record.model
    classes = record.data.class_names
    architecture = None
    if model:
        mode = record.training.mode if record.training else None
        frozen = MODE_WORDS.get(mode, "")
        bits = [f"{BACKBONES.get(model.backbone, model.backbone)}"
                + (f" (alpha {fmt.plain(model.alpha)})" if model.alpha is not None else "")
                + (f", {model.input_size}x{model.input_size} RGB input" if model.input_size else "")]
        if model.head and model.head.dropout is not None:
            bits.append(f"dropout {fmt.plain(model.head.dropout)}")
        bits.append(f"dense softmax over {len(classes)} classes")
        architecture = "; ".join(bits) + (f" ({frozen})" if frozen else "")
    prov = record.provenance
    provenance = {k: getattr(prov, k) for k in ("git_commit", "git_dirty", "started_at", "ended_at", "python",
                                                  "platform", "modelcard_version")}
    if prov.duration_s is not None:  # 1.3: the wall time the emissions phases fit in (monotonic clock)
        provenance["wall time, start to end"] = fmt.seconds(prov.duration_s)
    objective = ("cross-entropy loss on softmax outputs: single-label multi-class image classification"
                 if record.training else "single-label multi-class image classification (not trained in this run)")
    return TechnicalSpecs(architecture=architecture, objective=objective,
                          hardware=hardware_rows(record.hardware.to_dict()) if record.hardware else {},
                          packages=dict(sorted(prov.packages.items())), provenance=provenance,
                          training_type=training_type(record))


def hardware_rows(hardware: dict) -> dict:
    """The hardware properties as the card shows them, sorted: memory in GB (10^9 bytes, the card's one unit
    for sizes) from the record's GiB, e.g. {"memory (GB)": "25.3", "cpu_count": 2}."""
    rows = dict(hardware)
    gib = rows.pop("memory_gb", None)
    if isinstance(gib, (int, float)):
        rows["memory (GB)"] = f"{gib * 2**30 / 1e9:.1f}"
    return dict(sorted(rows.items()))


COVERAGE = (
    CoverageItem("hf.architecture", "hf", "Technical Specifications / Model Architecture and Objective",
                 "The network and the loss it was trained with",
                 where="Technical Specifications", measured=("architecture",)),
    CoverageItem("hf.compute", "hf", "Technical Specifications / Compute Infrastructure",
                 "The hardware and software used",
                 where="Technical Specifications", measured=("compute",)),
    CoverageItem("aiv.1c", "annex_iv", "1(c)", "Versions of the software it depends on, and any update requirements",
                 where="Technical Specifications / Software", measured=("software",)),
    CoverageItem("aiv.1e", "annex_iv", "1(e)", "The hardware it is meant to run on",
                 where="Technical Specifications / Hardware (the hardware it was measured on)",
                 measured=("hardware",), human=("environment.hardware_type",)),
    CoverageItem("aiv.2b.logic", "annex_iv", "2(b)", "The general logic of the system and its algorithms",
                 where="Technical Specifications", measured=("architecture",)),
    CoverageItem("aiv.2b.optimise", "annex_iv", "2(b)", "What it is optimised for and how much each parameter matters",
                 where="Technical Specifications / Objective; Training Details (sweep)", measured=("objective",)),
    CoverageItem("aiv.2c.architecture", "annex_iv", "2(c)",
                 "The system architecture: how the software parts feed into each other",
                 where="Technical Specifications", measured=("architecture",)),
    CoverageItem("aiv.2c.compute", "annex_iv", "2(c)",
                 "The computing resources used to develop, train, test and validate it",
                 where="Technical Specifications / Hardware; Environmental Impact",
                 measured=("hardware", "env_carbon")),
)

SECTION = SectionSpec(
    "specs", order=120, build=lambda x: technical_specs(x.record), attr="specs", part=TechnicalSpecs,
    headings=(Heading("Technical Specifications", (),
                      lambda c: bool(c.specs.architecture or c.specs.hardware or c.specs.packages)),),
    probes={"architecture": lambda c: bool(c.specs.architecture),
            "objective": lambda c: bool(c.specs.objective and c.training.trained_here),  # unknown for an external model
            "hardware": lambda c: bool(c.specs.hardware),
            "software": lambda c: bool(c.specs.packages),
            "compute": lambda c: bool(c.specs.hardware or c.specs.packages)},
    coverage=COVERAGE)
