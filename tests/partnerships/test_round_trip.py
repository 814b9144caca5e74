"""One declaration of the agreement's shape (shape.py) drives the loader and the export: for any valid
document, export(load(doc)) is the document as normalised, and loading the export changes nothing — with
keys the format does not know too, at the top, in entries and in sections (rules/known_keys.py)."""

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
# A date as the file writes it: a day (a date), or "YYYY-MM" when only the month is known.
WRITTEN = st.one_of(DAYS, st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1999, 2030), st.integers(1, 12)))
SOURCES = st.one_of(st.just("invented"), TEXT)


def optional(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if value is not None}


# Keys the format does not know, and values as YAML writes them: kept as written, exported where they were.
# (Floats of any size: each value is kept as its JSON text, as written.)
UNKNOWN_NAMES = st.builds(lambda word: f"x_{word}", st.text(alphabet="abcdefghij_", min_size=1, max_size=8))
UNKNOWN_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**18), max_value=10**18)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.just(""),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            # not "key": without_keys (below) takes the entries' generated keys out at every depth
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6).filter(
                lambda name: name != "key"
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)


def unknown(entry: dict[str, Any], draw: Any) -> dict[str, Any]:
    """The entry, with keys the format does not know or not."""
    extra = draw(st.dictionaries(UNKNOWN_NAMES, UNKNOWN_VALUES, max_size=2))
    return {**entry, **extra}


def sourced(entry: dict[str, Any], draw: Any) -> dict[str, Any]:
    """The entry, with a source or not, and perhaps keys the format does not know."""
    source = draw(st.one_of(st.none(), SOURCES))
    entry = unknown(entry, draw)
    return entry if source is None else {**entry, "source": source}


MONEY = st.integers(min_value=0, max_value=10**11).map(lambda p: f"{p // 100}.{p % 100:02d}")
YEARS = st.integers(min_value=1999, max_value=2030).map(lambda y: f"{y}-{(y + 1) % 100:02d}")


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    partners = draw(st.lists(CODES, min_size=2, max_size=4, unique=True))
    streams = draw(st.lists(CODES, min_size=0, max_size=3, unique=True))
    contributions = [
        sourced({"stream": s, "year": y, "amount": draw(MONEY)}, draw)
        for s in streams
        for y in sorted(draw(st.lists(YEARS, max_size=2, unique=True)))
    ]
    contributions.sort(key=lambda c: c["year"])  # the export lists contributions by year, then as entered
    doc: dict[str, Any] = {
        "slug": "round-trip",
        "demo": draw(st.sampled_from([True, None])),  # written only when true
        "name": draw(TEXT),
        "client_group": draw(st.sampled_from(list(words.CLIENT_GROUPS))),
        "area": ["E08000006"],
        "agreement_date": draw(WRITTEN),
        "start_date": draw(st.one_of(st.none(), WRITTEN)),
        "lead_commissioner": draw(
            st.one_of(
                st.none(),
                st.sampled_from(partners),
                st.builds(
                    lambda name, acts_for, extra: (
                        optional({"name": name, "acts_for": acts_for or None}) | extra
                    ),
                    TEXT,
                    st.lists(st.sampled_from(partners), unique=True),
                    st.dictionaries(UNKNOWN_NAMES, UNKNOWN_VALUES, max_size=1),
                ),
            )
        ),
        "partners": [
            sourced(
                {"code": c, "name": draw(TEXT), "kind": draw(st.sampled_from(list(words.PARTNER_KINDS)))},
                draw,
            )
            for c in partners
        ],
        "funding_streams": [
            sourced({"code": s, "name": draw(TEXT), "partner": draw(st.sampled_from(partners))}, draw)
            for s in streams
        ],
        "contributions": contributions,
        "stated_totals": [
            sourced(
                optional(
                    {
                        "year": year,
                        "to_year": draw(
                            st.one_of(
                                st.none(), st.just(f"{int(year[:4]) + 6}-{(int(year[:4]) + 7) % 100:02d}")
                            )
                        ),
                        "amount": draw(MONEY),
                        "relation": draw(
                            st.sampled_from([None, "over", "under", "about"])
                        ),  # exact: left out
                    }
                ),
                draw,
            )
            for year in draw(st.lists(YEARS, max_size=2))
        ],
        "risk_share": unknown(
            {"overspend": "proportional", "underspend": "proportional", "fixed_shares": {}}, draw
        ),
        "eligibility": unknown(
            {"residence_in_area": draw(st.booleans())}, draw
        ),  # normalised: the default written out
        # A section the file may leave out, holding nothing but keys the format does not know.
        "targets": draw(st.dictionaries(UNKNOWN_NAMES, UNKNOWN_VALUES, max_size=2)),
        "aims": draw(st.lists(TEXT, max_size=3)),
        "milestones": [
            sourced(
                optional(
                    {
                        "text": draw(TEXT),
                        "due": draw(st.one_of(st.none(), WRITTEN)),
                        "status": draw(st.sampled_from(list(words.MILESTONE_STATUSES))),
                    }
                ),
                draw,
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
        "governance": [
            sourced(
                optional(
                    {
                        "item": item,
                        "status": "confirmed",
                        "evidence": draw(TEXT),
                        "signed_off_by": draw(TEXT),
                        "signed_off_on": draw(st.one_of(st.none(), WRITTEN)),
                    }
                ),
                draw,
            )
            for item in draw(st.lists(st.sampled_from(list(words.GOVERNANCE_ITEMS)), max_size=2, unique=True))
        ],
        "approvals": [draw(approvals()) for _ in range(draw(st.integers(0, 3)))],
        "board": [
            sourced(
                {"name": draw(TEXT), "kind": "officer", "represents": draw(st.sampled_from(partners))}, draw
            )
            for _ in range(draw(st.integers(0, 2)))
        ],
        "risks": [
            sourced(
                optional(
                    {
                        "description": draw(TEXT),
                        "cause": draw(st.one_of(st.none(), TEXT)),
                        "likelihood": draw(st.integers(1, 5)),
                        "impact": draw(st.integers(1, 5)),
                        "owner": draw(st.one_of(st.none(), TEXT)),
                        "mitigation": draw(st.one_of(st.none(), TEXT)),
                        "status": draw(st.sampled_from([None, "closed"])),  # open: left out
                        "review_date": draw(st.one_of(st.none(), WRITTEN)),
                    }
                ),
                draw,
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
        "signatories": [
            sourced(
                optional(
                    {
                        "partner": draw(st.one_of(st.none(), st.sampled_from(partners))),
                        "name": draw(TEXT),
                        "role": draw(st.one_of(st.none(), TEXT)),
                        "date": draw(st.one_of(st.none(), WRITTEN)),
                    }
                ),
                draw,
            )
            for _ in range(draw(st.integers(0, 3)))
        ],
    }
    doc = {key: value for key, value in doc.items() if value not in ([], {}, None)}
    # And at the top, after the format's keys, with any value (an empty one too).
    return {**doc, **draw(st.dictionaries(UNKNOWN_NAMES, UNKNOWN_VALUES, max_size=3))}


@st.composite
def approvals(draw: Any) -> dict[str, Any]:
    """An approval as recorded before states (a decision in words), or with a state, a reference and,
    while requested, perhaps no date."""
    state = draw(st.sampled_from([None, "requested", "approved", "endorsed", "refused", "deferred"]))
    entry = {
        "body": draw(TEXT),
        "date": draw(WRITTEN) if state != "requested" else draw(st.one_of(st.none(), WRITTEN)),
        "state": state,
        "decision": draw(TEXT) if state is None else draw(st.one_of(st.none(), TEXT)),
        "reference": draw(st.one_of(st.none(), TEXT)),
    }
    return sourced(optional(entry), draw)


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
