"""The card: human info from `card.yaml`, the section data model, and its assembly from a run record."""

from .assemble import GAP_SECTIONS, assemble_card, gap_line, slugify
from .info import CARD_INFO_FILE, CardInfo, known_keys, load_card_info, parse_card_info
from .model import Card

__all__ = ["GAP_SECTIONS", "assemble_card", "gap_line", "slugify", "CARD_INFO_FILE", "CardInfo", "known_keys",
           "load_card_info", "parse_card_info", "Card"]
