"""The stages of a run: each declares the run-record sections it fills and the typed values it
reads and makes; one runner runs them.

* `pipeline.py`: `Stage`, the `@stage(fills=..., amends=..., reads=..., makes=...)` decorator,
  `output`, `Made` (what the stages made, kept by the runner), `run_stages` and its checks.
* `context.py`: `MemberContext`, one run folder's frozen inputs (model callables, sets,
  settings), and the values stages make for each other (`Measured`, `Pace`, `EvaluationTiming`...).
* `post_fit.py`: the stages every run folder with a model runs (evaluation, robustness, model
  file and its timing, examples, data card, efficiency).
* `head_mode.py`, `finetune_mode.py`: `train`'s two engines (their fit stage, their order);
  `members.py`: the data and the member runs (`MemberRun`) they work on; `run_sections.py`: the shapes of the
  `data`, `model`, `training` and timing sections they fill.
The sweep-wide sections are `training.variance.sweep_sections`; `training.commands.evaluate`
runs the same post-fit stages on a loaded model.
"""

from .finetune_mode import FinetuneEngine
from .head_mode import HeadEngine
from .members import LoadedData, MemberRun
from .pipeline import OMIT, Made, Output, Stage, StageError, check_pipeline, output, run_stages, stage

__all__ = ["FinetuneEngine", "HeadEngine", "LoadedData", "Made", "MemberRun", "OMIT", "Output", "Stage", "StageError",
           "check_pipeline", "output", "run_stages", "stage"]
