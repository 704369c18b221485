"""Lint ids the ops emit while applying a batch (``ops.md``), listed so the lint table is complete.

The gate never fires these. An id has one severity in the table: its usual one. The ops raise
``store/entrance`` and ``store/cascade`` to warning when a delete leaves something broken (the
entrance cleared, a transition without ``to``); ``store/sequence-beat`` is always a warning.
"""

from __future__ import annotations

from .rules import Rule

__all__ = ["RULES"]

RULES = (
    Rule("store/entrance", "info",
         "An op set the entrance (the first state added) or, as a warning, a delete cleared it."),
    Rule("store/cascade", "info",
         "A delete cascaded: emptied events were removed, or, as a warning, transitions lost their `to`."),
    Rule("store/rename", "info", "A state was renamed and every reference to it followed."),
    Rule("store/sequence-beat", "warning", "A deleted state was named by a sequence beat."),
)
