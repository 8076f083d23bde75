"""`modelcard check`: policy gates on recorded metrics, card completeness and documentation coverage.

- gate_names.py: the one table of gate-able metric names (docs/policy.md is generated from it)
- policy.py: reading policy.yaml; gates.py: evaluating gates on a run record
- completeness.py, placeholders.py: sections, sign-off keys, placeholders, run integrity
- coverage_items.py (data) and coverage.py: HF template and EU AI Act Annex IV items
- report.py: tables and JSON; command.py: what the CLI calls
"""
