"""How much the result depends on choices and chance: the sweep grid and its selection rule
(`sweep.py`), the sections a sweep writes into every member (`sweep_sections.py`), `--seeds`
(`seeds.py`) and `--cv` (`crossval.py`). Nothing is imported here."""
