"""How to Get Started: loading code for the saved model, or why there is none."""

from __future__ import annotations

from pathlib import Path

from ...record.model import RunRecord
from ..parts import GetStarted
from ..section_spec import CoverageItem, Heading, SectionSpec


def _model_path(record: RunRecord, run_path: Path) -> str | None:
    """The model file as `<runs folder>/<run_id>/model.keras`: the layout, not this machine's absolute path."""
    rel = record.artifacts.model
    if not rel:
        return None
    base = run_path if not run_path.is_absolute() else Path(run_path.parent.name) / run_path.name
    return (base / rel).as_posix()


def _no_model_note(record: RunRecord) -> str:
    """Why there is no model file to load, in the words that fit how the run was made."""
    sweep = record.sweep
    if record.created_by == "train" and sweep and not sweep.selected:
        chosen = [m.run_id for m in sweep.members if m.selected]
        where = f" Build the card of the selected run {chosen[0]} to get one." if chosen else ""
        return ("There is no model file to load: this sweep configuration was not selected, so only its "
                "head weights were kept." + where)
    if record.created_by == "record":
        return ("There is no model file to load: this card documents predictions made by an "
                "external model (`modelcard record`), so use that model's own instructions.")
    return "There is no model file to load: this run did not save one."


def _evaluated_file(record: RunRecord) -> str | None:
    """`modelcard evaluate`: the model file it loaded (as given on its command line), else None."""
    if record.created_by != "evaluate":
        return None
    return (record.model.weights.path if record.model else None) or record.config.get("model")


def get_started(record: RunRecord, run_path: Path) -> GetStarted:
    evaluated = _evaluated_file(record)
    path = _model_path(record, run_path) or evaluated
    model = record.model
    if not path or not model:
        return GetStarted(code=None, model_path=None, note=_no_model_note(record))
    # `evaluate` points to the file it loaded; a run's own model.keras may be absent from a copied record
    absent = path != evaluated and not (run_path / record.artifacts.model).is_file()
    sha = model.file_sha256
    size = model.input_size or 224
    classes = record.data.class_names
    class_list = "[\n" + "".join(f"    {_py_string(c)},\n" for c in classes) + "]"
    # A model file not stored beside the record is not pointed to: the code takes its path instead.
    load = (f"model = keras.saving.load_model({_py_string(path)})\n" if not absent else
            f"# {record.artifacts.model} is not stored beside this record: pass the path of the file this run "
            f"saved{f' (sha256 {sha})' if sha else ''}\nmodel = keras.saving.load_model(sys.argv[1])\n")
    code = (
        ("import sys\n\n" if absent else "")
        + "import keras\n"
        "import numpy as np\n"
        "from PIL import Image\n\n"
        + load +
        f"CLASS_NAMES = {class_list}  # output order of the model\n\n"
        "image = Image.open(\"my_image.png\").convert(\"RGBA\")\n"
        "background = Image.new(\"RGBA\", image.size, \"white\")  # transparent parts on white, as in training\n"
        "image = Image.alpha_composite(background, image).convert(\"RGB\")\n"
        "pixels = np.asarray(image, dtype=\"float32\")[None]  # raw 0-255 RGB at the image's own size\n"
        f"# resized as in training and evaluation: bilinear, no antialiasing, shape (1, {size}, {size}, 3)\n"
        f"batch = keras.ops.image.resize(pixels, ({size}, {size}), interpolation=\"bilinear\", antialias=False)\n"
        "probabilities = model.predict(batch, verbose=0)[0]\n"
        "best = int(np.argmax(probabilities))\n"
        "print(CLASS_NAMES[best], float(probabilities[best]))\n"
    )
    rescales = (f" (it does the rest itself: {model.preprocessing_in_model}; see Preprocessing)"
                if model.preprocessing_in_model else "")
    note = (f"The model takes raw 0-255 RGB pixels at {size}x{size}{rescales}. Pillow decodes the file as training did "
            "(JPEG with the accurate integer DCT, transparent parts on white) and the resize is the one the "
            "training and evaluation pipeline used, so the model sees the pixels it was tested on. Outputs are "
            f"softmax probabilities over {len(classes)} classes in the order of `CLASS_NAMES`.")
    if evaluated and path == evaluated:
        n_bytes = model.file_bytes
        facts = ", ".join(x for x in (f"{n_bytes:,} bytes" if n_bytes is not None else "", f"sha256 {sha}" if sha else "")
                          if x)
        note = (f"This card describes the model file `modelcard evaluate` loaded: {evaluated}"
                + (f" ({facts})" if facts else "") + ". It is not copied into the run folder; check a copy against "
                "the sha256. " + note)
        return GetStarted(code=code, model_path=path, note=note)
    if absent:
        note += (f" The model file ({path}) is not stored beside this record (it was left out when the record was "
                 "copied)" + (f"; the file this run saved has sha256 {sha}." if sha else ".")
                 + " The code takes the path of that file as its first argument.")
        return GetStarted(code=code, model_path=None, note=note, absent_model=path, absent_sha256=sha)
    note += " The path is relative to the folder the run was made in."
    return GetStarted(code=code, model_path=path, note=note)


def _py_string(text: str) -> str:
    """A Python string literal (repr is valid Python for any str, quotes and backslashes included)."""
    return repr(text)


COVERAGE = (
    CoverageItem("hf.get_started", "hf", "How to Get Started with the Model", "Code that loads the model and predicts",
                 where="How to Get Started with the Model", measured=("get_started_code",)),
    CoverageItem("aiv.1h", "annex_iv", "1(h)", "Instructions for use for the deployer",
                 where="How to Get Started with the Model; Uses", measured=("get_started_code",),
                 human=("uses.direct",)),
)

SECTION = SectionSpec(
    "get_started", order=70, build=lambda x: get_started(x.record, x.run_path), attr="get_started", part=GetStarted,
    headings=(Heading("How to Get Started with the Model", (),
                      lambda c: bool(c.get_started.code or c.get_started.note)),),
    probes={"get_started_code": lambda c: bool(c.get_started.code)}, coverage=COVERAGE)
