"""Comparing runs: paired tests on shared test images (`diff`) and the facts comparison cards show."""
