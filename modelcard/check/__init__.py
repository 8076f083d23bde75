"""`modelcard check`: policy gates on recorded metrics, card completeness and documentation coverage.

- gate_names.py: the one table of gate-able metric names (policy_doc.py turns it into docs/policy.md)
- policy.py: reading policy.yaml strictly; gates.py: evaluating gates on a run record
- completeness.py (assembled card + card.yaml), markdown_card.py (a rendered Markdown card),
  placeholders.py (placeholder text and the `init` skeleton marker)
- coverage_items.py (the HF template and EU AI Act Annex IV items: those the card sections register,
  card/registry.py, and those outside any card) and coverage.py (statuses)
- report.py: tables and JSON (the command itself is `modelcard/commands/check.py`)
"""
