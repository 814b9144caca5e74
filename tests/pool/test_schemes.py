"""Schemes inside the pool and the partnership's own purposes (both optional in the partnership file)."""

from __future__ import annotations

from typing import Any

import pytest

from concordat.core.years import FinancialYear
from concordat.partnerships import services as agreement
from concordat.pool import selectors, services
from concordat.pool.errors import PostingRefused
from tests.factories import agreement_document, load_partnership, row_counts

pytestmark = pytest.mark.django_db

SCHEMES = [
    {
        "code": "RESI",
        "name": "Residential rehabilitation",
        "partner": "PCT",
        "purpose": "treatment",
        "maximum": {"2003-04": "400000.00"},
        "spend_lines": ["RESI-2003"],
    }
]


@pytest.fixture
def with_schemes(db: None) -> Any:
    return load_partnership(
        agreement_document(
            slug="schemes-dat",
            schemes=SCHEMES,
            purposes=[{"code": "alcohol-treatment", "name": "Alcohol treatment"}],
        )
    )


def test_a_scheme_shows_its_spend_and_forecast(with_schemes: Any, post: Any) -> None:
    post(
        "payment",
        "P-1",
        "2003-05-01",
        "100000.00",
        contract="RESI-2003",
        purpose="treatment",
        partnership=with_schemes,
    )
    services.commitments_replace(
        partnership=with_schemes, contract_ref="RESI-2003", by_year={2003: 350000_00}, description="contract"
    )
    s = selectors.statement(with_schemes, FinancialYear(2003))
    [line] = s.schemes
    assert (line.actual_spend, line.committed, line.forecast, line.maximum) == (
        100000_00,
        250000_00,
        350000_00,
        400000_00,
    )
    assert selectors.statement_json(s)["schemes"][0]["forecast"] == "350000.00"
    assert [w.code for w in s.warnings] == ["stated-total-mismatch"]


def test_a_forecast_past_the_maximum_is_warned(with_schemes: Any) -> None:
    services.commitments_replace(
        partnership=with_schemes, contract_ref="RESI-2003", by_year={2003: 400000_01}, description="contract"
    )
    s = selectors.statement(with_schemes, FinancialYear(2003))
    assert [w.code for w in s.warnings] == ["stated-total-mismatch", "scheme-over-maximum"]
    assert "£400,000.01" in s.warnings[1].message and "£400,000.00" in s.warnings[1].message


def test_spend_past_a_schemes_maximum_is_refused(with_schemes: Any, post: Any) -> None:
    post(
        "payment",
        "P-1",
        "2003-05-01",
        "400000.00",
        contract="RESI-2003",
        purpose="treatment",
        partnership=with_schemes,
    )
    before = row_counts()
    with pytest.raises(PostingRefused) as refused:
        post(
            "accrual",
            "A-1",
            "2003-05-02",
            "0.01",
            contract="RESI-2003",
            purpose="treatment",
            partnership=with_schemes,
        )
    assert [p.code for p in refused.value.report.errors] == ["scheme-over-maximum"]
    assert row_counts() == before


def test_spend_is_tagged_with_its_scheme(with_schemes: Any, post: Any) -> None:
    t = post(
        "payment",
        "P-1",
        "2003-05-01",
        "1.00",
        contract="RESI-2003",
        purpose="treatment",
        partnership=with_schemes,
    )
    assert t.scheme == "RESI"


def test_a_purpose_the_partnership_defines_may_be_spent_on(with_schemes: Any, post: Any) -> None:
    t = post(
        "payment",
        "P-1",
        "2003-05-01",
        "1.00",
        contract="ALC",
        purpose="alcohol-treatment",
        partnership=with_schemes,
    )
    assert t.purpose == "alcohol-treatment"


def test_the_file_refuses_a_scheme_of_an_unknown_purpose_or_partner(db: None) -> None:
    bad = [{**SCHEMES[0], "purpose": "gardening", "partner": "XX"}]
    outcome = agreement.partnership_load(document=agreement_document(schemes=bad))
    assert {p.code for p in outcome.report.errors} == {"unknown-purpose", "unknown-partner"}


def test_a_spend_line_belongs_to_one_scheme(db: None) -> None:
    twice = [SCHEMES[0], {**SCHEMES[0], "code": "OTHER"}]
    outcome = agreement.partnership_load(document=agreement_document(schemes=twice))
    assert [p.code for p in outcome.report.errors] == ["duplicate-spend-line"]
