"""How to Get Started: loading code for the saved model, or why there is none."""

from __future__ import annotations

from pathlib import Path

from ..model import GetStarted


def _model_path(record: dict, run_path: Path) -> str | None:
    """The model file as `<runs folder>/<run_id>/model.keras`: the layout, not this machine's absolute path."""
    rel = record["artifacts"].get("model")
    if not rel:
        return None
    base = run_path if not run_path.is_absolute() else Path(run_path.parent.name) / run_path.name
    return (base / rel).as_posix()


def _no_model_note(record: dict) -> str:
    """Why there is no model file to load, in the words that fit how the run was made."""
    sweep = record["sweep"]
    if record["created_by"] == "train" and sweep and not sweep.get("selected"):
        chosen = [m["run_id"] for m in sweep["members"] if m.get("selected")]
        where = f" Build the card of the selected run {chosen[0]} to get one." if chosen else ""
        return ("There is no model file to load: this sweep configuration was not selected, so only its "
                "head weights were kept." + where)
    if record["created_by"] == "record":
        return ("There is no model file to load: this card documents predictions made by an "
                "external model (`modelcard record`), so use that model's own instructions.")
    return "There is no model file to load: this run did not save one."


def _evaluated_file(record: dict) -> str | None:
    """`modelcard evaluate`: the model file it loaded (as given on its command line), else None."""
    model = record["model"] or {}
    if record["created_by"] != "evaluate":
        return None
    return (model.get("weights") or {}).get("path") or record["config"].get("model")


def get_started(record: dict, run_path: Path) -> GetStarted:
    evaluated = _evaluated_file(record)
    path = _model_path(record, run_path) or evaluated
    model = record["model"]
    if not path or not model:
        return GetStarted(code=None, model_path=None, note=_no_model_note(record))
    size = model.get("input_size") or 224
    classes = record["data"]["class_names"]
    class_list = "[\n" + "".join(f"    {_py_string(c)},\n" for c in classes) + "]"
    code = (
        "import keras\n"
        "import numpy as np\n"
        "from PIL import Image\n\n"
        f"model = keras.saving.load_model({_py_string(path)})\n"
        f"CLASS_NAMES = {class_list}  # output order of the model\n\n"
        "image = Image.open(\"my_image.png\").convert(\"RGBA\")\n"
        "background = Image.new(\"RGBA\", image.size, \"white\")  # transparent parts on white, as in training\n"
        f"image = Image.alpha_composite(background, image).convert(\"RGB\").resize(({size}, {size}))\n"
        "batch = np.asarray(image, dtype=\"float32\")[None]  # raw 0-255 RGB, shape (1, "
        f"{size}, {size}, 3)\n"
        "probabilities = model.predict(batch)[0]\n"
        "best = int(np.argmax(probabilities))\n"
        "print(CLASS_NAMES[best], float(probabilities[best]))\n"
    )
    note = (f"The saved model includes its own preprocessing: give it raw 0-255 RGB images resized to "
            f"{size}x{size} pixels. Outputs are softmax probabilities over {len(classes)} classes in the order of "
            "`CLASS_NAMES`. The path is relative to the folder the run was made in.")
    if evaluated and path == evaluated:
        size, sha = model.get("file_bytes"), model.get("file_sha256")
        facts = ", ".join(x for x in (f"{size:,} bytes" if size is not None else "", f"sha256 {sha}" if sha else "") if x)
        note = (f"This card describes the model file `modelcard evaluate` loaded: {evaluated}"
                + (f" ({facts})" if facts else "") + ". It is not copied into the run folder; check a copy against "
                "the sha256. " + note.replace(" The path is relative to the folder the run was made in.", ""))
    elif not (run_path / record["artifacts"]["model"]).is_file():
        sha = model.get("file_sha256")
        note += (" The model file is not stored beside this record (it was left out when the record was "
                 "copied)" + (f"; the file this run saved has sha256 {sha}." if sha else "."))
    return GetStarted(code=code, model_path=path, note=note)


def _py_string(text: str) -> str:
    """A Python string literal (repr is valid Python for any str, quotes and backslashes included)."""
    return repr(text)
