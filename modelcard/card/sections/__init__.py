"""One module per card section, mirroring `templates/sections/<name>.jinja`.

Each module turns the run record (facts) and `CardInfo` (human text) into that section's
dataclass from `..model`. `..assemble` calls them in card order; none writes or renders.
"""
