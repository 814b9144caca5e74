"""Commissioning's pure rules: no Django, no database; tested with hypothesis (mypy --strict)."""
