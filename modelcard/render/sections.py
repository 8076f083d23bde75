"""The card's sections in order and their partials, as the card sections register them (`card/registry.py`)."""

from ..card.registry import REGISTRY

# Partial names under templates/sections/, in card order.
SECTIONS = REGISTRY.partials

# The level-2 headings every card has, in this order (tests check it).
HEADINGS = REGISTRY.heading_titles
