"""Which modalities synthetic people are referred to: the eight built into treatment-data.md, how a
partnership's own modality stands in for one of them, and which a substance leads to first and after."""

from __future__ import annotations

from .draws import Weighted

# The built-in modalities of treatment-data.md: code -> (tier, structured).
BUILT_IN = {
    "advice": (2, False),
    "needle-exchange": (2, False),
    "pharmacological": (3, True),
    "psychosocial": (3, True),
    "day-programme": (3, True),
    "recovery-support": (3, True),
    "inpatient-detox": (4, True),
    "residential-rehab": (4, True),
}

# Which modalities a person with a substance is referred to: the first modality of an episode, then others
# (the weights are relative; a provider offers only the modalities of its tiers).
FIRST_MODALITY = {
    "opiates": {"pharmacological": 0.85, "psychosocial": 0.10, "needle-exchange": 0.05},
    "alcohol": {"psychosocial": 0.70, "pharmacological": 0.15, "inpatient-detox": 0.10, "advice": 0.05},
    "*": {"psychosocial": 0.80, "advice": 0.15, "day-programme": 0.05},
}
LATER_MODALITY = {
    "opiates": {"psychosocial": 0.40, "recovery-support": 0.35, "inpatient-detox": 0.08,
                "residential-rehab": 0.05, "day-programme": 0.05, "needle-exchange": 0.07},
    "alcohol": {"recovery-support": 0.40, "psychosocial": 0.20, "day-programme": 0.15,
                "inpatient-detox": 0.10, "residential-rehab": 0.05, "advice": 0.10},
    "*": {"recovery-support": 0.50, "day-programme": 0.20, "advice": 0.20, "pharmacological": 0.10},
}  # fmt: skip
# How many modalities an episode has: about 2.3 on average, with the episodes that never reach one, for
# the spec's national scale (8 million rows for 3 million people).
MODALITY_COUNTS = Weighted([(1, 0.25), (2, 0.37), (3, 0.25), (4, 0.13)])


def family_of(code: str, tier: int, structured: bool) -> str:
    """Which built-in modality a partnership's own modality stands in for, from its code and tier (a
    `gp-prescribing` is prescribing), so the journeys use the partnership's own treatment types."""
    if code in BUILT_IN:
        return code
    if any(word in code for word in ("prescrib", "substitut", "methadone", "opioid")):
        return "pharmacological"
    if tier >= 4:
        return "residential-rehab" if "rehab" in code else "inpatient-detox"
    if not structured:
        return "needle-exchange" if "needle" in code or "syringe" in code else "advice"
    if "day" in code:
        return "day-programme"
    return "recovery-support" if "recover" in code else "psychosocial"
