"""Signals other parts of Concordat listen to, so the agreement's code does not need to know them."""

from django.dispatch import Signal

# Sent after a transaction that changed an agreement commits (sync.py), with `slug` and `version`: the
# agreement's documents (views/documents.py) are rendered for the new version then, outside any request.
agreement_changed = Signal()
