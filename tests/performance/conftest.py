from __future__ import annotations

from typing import Any

import pytest

from tests.factories import load_partnership


@pytest.fixture
def partnership(db: Any) -> Any:
    """Salford, with two providers: P1 and P2."""
    return load_partnership(
        providers=[
            {"code": "P1", "name": "Example Community Drug Service", "tiers": [2, 3]},
            {"code": "P2", "name": "Second Street Project", "tiers": [2, 3]},
        ]
    )
