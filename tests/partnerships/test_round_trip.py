"""One declaration of the agreement's shape (shape.py) drives the loader and the export: for any valid
document, export(load(doc)) is the document as normalised, and loading the export changes nothing."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concordat.partnerships import services
from concordat.partnerships.rules import vocabulary as words
from concordat.partnerships.shape import export_agreement

SLUGS = itertools.count()
CODES = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=2, max_size=6)
TEXT = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
DAYS = st.dates(min_value=date(1999, 1, 1), max_value=date(2030, 12, 31))
MONEY = st.integers(min_value=0, max_value=10**11).map(lambda p: f"{p // 100}.{p % 100:02d}")
YEARS = st.integers(min_value=1999, max_value=2030).map(lambda y: f"{y}-{(y + 1) % 100:02d}")


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    partners = draw(st.lists(CODES, min_size=2, max_size=4, unique=True))
    streams = draw(st.lists(CODES, min_size=0, max_size=3, unique=True))
    contributions = [
        {"stream": s, "year": y, "amount": draw(MONEY)}
        for s in streams
        for y in sorted(draw(st.lists(YEARS, max_size=2, unique=True)))
    ]
    contributions.sort(key=lambda c: c["year"])  # the export lists contributions by year, then as entered
    doc: dict[str, Any] = {
        "slug": "round-trip",
        "name": draw(TEXT),
        "client_group": draw(st.sampled_from(list(words.CLIENT_GROUPS))),
        "area": ["E08000006"],
        "agreement_date": draw(DAYS),
        "partners": [
            {"code": c, "name": draw(TEXT), "kind": draw(st.sampled_from(list(words.PARTNER_KINDS)))}
            for c in partners
        ],
        "funding_streams": [
            {"code": s, "name": draw(TEXT), "partner": draw(st.sampled_from(partners))} for s in streams
        ],
        "contributions": contributions,
        "risk_share": {"overspend": "proportional", "underspend": "proportional", "fixed_shares": {}},
        "eligibility": {"residence_in_area": draw(st.booleans())},  # normalised: the default written out
        "aims": draw(st.lists(TEXT, max_size=3)),
        "milestones": [
            {
                "text": draw(TEXT),
                "due": draw(DAYS),
                "status": draw(st.sampled_from(list(words.MILESTONE_STATUSES))),
            }
            for _ in range(draw(st.integers(0, 3)))
        ],
        "approvals": [
            {"body": draw(TEXT), "date": draw(DAYS), "decision": draw(TEXT)}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "board": [
            {"name": draw(TEXT), "kind": "officer", "represents": draw(st.sampled_from(partners))}
            for _ in range(draw(st.integers(0, 2)))
        ],
    }
    return {key: value for key, value in doc.items() if value not in ([], {})}


def without_keys(document: Any) -> Any:
    if isinstance(document, dict):
        return {k: without_keys(v) for k, v in document.items() if k != "key"}
    if isinstance(document, list):
        return [without_keys(v) for v in document]
    return document


@pytest.mark.django_db(transaction=False)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document=documents())
def test_export_of_a_load_is_the_document_and_loading_it_again_changes_nothing(
    document: dict[str, Any],
) -> None:
    document = {**document, "slug": f"round-trip-{next(SLUGS)}"}  # each example a new partnership
    first = services.partnership_load(document=document)
    assert first.report.valid, [p.as_dict() for p in first.report.errors]
    assert first.partnership is not None
    exported = export_agreement(first.partnership)
    assert without_keys(exported) == document
    again = services.partnership_load(document=exported)
    assert not again.changes.any, again.changes.as_dict()
    assert export_agreement(first.partnership) == exported
