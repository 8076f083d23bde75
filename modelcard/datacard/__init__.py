"""The data card beside every model card: `cards/<slug>.data.md` and `.data.html`.

- `render_data_card(record, info, slug=..., name=..., run_path=..., env=..., formats=...)`
- `data_card(record, data_info, slug, name) -> DataCard`; `DataCard.headline()` is quoted by the
  model card's Training Data and Testing Data sections.
"""

from .model import DataCard, data_card, has_data_card
from .render import render_data_card

__all__ = ["DataCard", "data_card", "has_data_card", "render_data_card"]
