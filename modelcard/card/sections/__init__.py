"""One module per card section, mirroring `templates/sections/<name>.jinja`.

Each module turns the run record (facts) and `CardInfo` (human text) into that section's
dataclass from `..parts` (or its own), and registers itself (`SECTION`, see `..section_spec`);
`..assemble` calls the builders, `..registry` collects the registrations in card order; none writes or renders.
"""
