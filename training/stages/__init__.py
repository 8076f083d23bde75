"""The stages of a run: each fills the run-record sections it declares; one runner runs them.

* `pipeline.py`: `Stage`, the `@stage(fills=...)` decorator, `run_stages` and its checks.
* `context.py`: `MemberContext`, what one run folder's stages share (model, sets, measurements).
* `post_fit.py`: the stages every run folder with a model runs (evaluation, robustness, model
  file and its timing, examples, data card, efficiency).
* `head_mode.py`, `finetune_mode.py`: `train`'s two engines (their fit stage, their order);
  `members.py`: the data and members they work on; `sweep_sections.py`: the sweep-wide sections.
`evaluate_command.py` runs the same post-fit stages on a loaded model.
"""

from .finetune_mode import FinetuneEngine
from .head_mode import HeadEngine
from .members import LoadedData, Member
from .pipeline import OMIT, Stage, StageError, check_pipeline, run_stages, stage
from .sweep_sections import record_emissions, record_sweep

__all__ = ["FinetuneEngine", "HeadEngine", "LoadedData", "Member", "OMIT", "Stage", "StageError", "check_pipeline",
           "run_stages", "stage", "record_emissions", "record_sweep"]
