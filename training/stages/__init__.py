"""The stages of a run: each fills the run-record sections it declares; one runner runs them.

* `pipeline.py`: `Stage`, the `@stage(fills=...)` decorator, `run_stages` and its checks.
* `context.py`: `MemberContext`, what one run folder's stages share (model, sets, measurements).
* `post_fit.py`: the stages every run folder with a model runs (evaluation, robustness, model
  file and its timing, examples, data card, efficiency).
* `head_mode.py`, `finetune_mode.py`: `train`'s two engines (their fit stage, their order);
  `members.py`: the data and members they work on; `run_sections.py`: the shapes of the
  `data`, `model`, `training` and timing sections they fill.
The sweep-wide sections are `training.variance.sweep_sections`; `training.commands.evaluate`
runs the same post-fit stages on a loaded model.
"""

from .finetune_mode import FinetuneEngine
from .head_mode import HeadEngine
from .members import LoadedData, Member
from .pipeline import OMIT, Stage, StageError, check_pipeline, run_stages, stage

__all__ = ["FinetuneEngine", "HeadEngine", "LoadedData", "Member", "OMIT", "Stage", "StageError", "check_pipeline",
           "run_stages", "stage"]
