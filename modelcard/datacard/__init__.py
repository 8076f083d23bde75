"""The data card beside every model card: `cards/<slug>.data.md` and `.data.html`.

- `data_card(record, data_info, slug, name) -> DataCard`; `DataCard.headline()` is quoted by the
  model card's Training Data and Testing Data sections.
- `datacard.render.render_data_card(...)` writes the files; it is not re-exported here, so the card
  model (and `check`, which reads it) loads no renderer.
"""

from .model import DataCard, data_card, has_data_card

__all__ = ["DataCard", "data_card", "has_data_card"]
