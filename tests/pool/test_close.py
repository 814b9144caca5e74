"""The year-end close through `concordat pool close`: one scenario per risk-share rule, carry-forward into
the next year's budget, and the risk reserve absorbing an overspend before the partners' risk share."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concordat.core.years import FinancialYear
from concordat.pool import selectors
from concordat.pool.models import Transaction
from tests.factories import agreement_document, load_partnership, row_counts

pytestmark = pytest.mark.django_db

# Salford's 2003-04 budget is £2,001,500.00: PCT £1,797,500.00 (two streams), SCC £204,000.00.
BUDGET = 200150000


def salford(**risk_share: Any) -> Any:
    rules = {"overspend": "proportional", "underspend": "proportional", "fixed_shares": {}, **risk_share}
    return load_partnership(risk_share=rules)


def close(partnership: Any, year: str = "2003-04") -> dict[str, Any]:
    out = io.StringIO()
    call_command("pool", "close", "--partnership", partnership.slug, "--year", year, "--json", stdout=out)
    return json.loads(out.getvalue())


def spend(post: Any, partnership: Any, pounds: str, ref: str = "P-1", day: str = "2003-09-01") -> None:
    post("payment", ref, day, pounds, contract="CDT", purpose="treatment", partnership=partnership)


def legs(result: dict[str, Any]) -> dict[str, str]:
    return {leg["account"]: leg["amount"] for leg in result["legs"]}


def test_a_proportional_overspend_is_paid_in_by_shares_to_the_penny(post: Any) -> None:
    p = salford()
    spend(post, p, "2100000.00")  # £98,500.00 over
    result = close(p)
    assert result["variance"] == "-98500.00" and result["rule"] == "proportional"
    # 9,850,000p × 204,000 / 2,001,500 = 1,003,947.04 -> SCC 1,003,947; PCT 8,846,052.96 -> 8,846,053
    assert legs(result) == {"cash": "98500.00", "risk-share:PCT": "-88460.53", "risk-share:SCC": "-10039.47"}


def test_a_host_overspend_falls_on_the_host_alone(post: Any) -> None:
    p = salford(overspend="host")
    spend(post, p, "2001500.01")
    assert legs(close(p)) == {"cash": "0.01", "risk-share:SCC": "-0.01"}


def test_a_fixed_overspend_splits_by_the_fixed_percentages_ties_by_code(post: Any) -> None:
    p = salford(overspend="fixed", fixed_shares={"PCT": "50", "SCC": "50"})
    spend(post, p, "2001500.03")  # 3p split 50/50: 1.5p each, the odd penny to PCT (code order)
    assert legs(close(p)) == {"cash": "0.03", "risk-share:PCT": "-0.02", "risk-share:SCC": "-0.01"}


def test_a_proportional_underspend_is_returned_by_shares(post: Any) -> None:
    p = salford()
    spend(post, p, "1001500.00")  # £1,000,000.00 under
    result = close(p)
    assert result["variance"] == "1000000.00"
    # 100,000,000p × 204,000 / 2,001,500 = 10,192,355.73 -> SCC 10,192,356 (largest remainder)
    assert legs(result) == {
        "cash": "-1000000.00",
        "risk-share:PCT": "898076.44",
        "risk-share:SCC": "101923.56",
    }


def test_a_carried_forward_underspend_is_next_years_opening_budget(post: Any) -> None:
    p = salford(underspend="carry-forward")
    spend(post, p, "1901500.00")
    result = close(p)
    assert result["carry_forward"] == "100000.00" and result["rule"] == "carry-forward"
    assert legs(result) == {"year-result": "100000.00", "carried-forward": "-100000.00"}
    next_year = selectors.statement(p, FinancialYear(2004))
    assert next_year.budget == next_year.planned + 10000000
    assert next_year.carried_forward == 10000000


def test_a_risk_reserve_absorbs_an_operating_overspend_before_the_partners(post: Any) -> None:
    document = agreement_document(risk_reserve={"2003-04": "50000.00"})
    document["risk_share"] = {"overspend": "proportional", "underspend": "proportional", "fixed_shares": {}}
    p = load_partnership(document)
    spend(post, p, "1981500.00")  # £30,000 over the budget less the reserve, £20,000 under the budget
    result = close(p)
    assert result["reserve_drawn"] == "30000.00"
    assert result["variance"] == "20000.00"
    assert legs(result)["cash"] == "-20000.00"  # only the unused reserve goes back
    s = selectors.statement_json(selectors.statement(p, FinancialYear(2003)))
    assert s["risk_reserve"] == "50000.00"


def test_beyond_the_reserve_the_partners_pay_only_what_passes_the_budget(post: Any) -> None:
    p = load_partnership(agreement_document(risk_reserve={"2003-04": "50000.00"}))
    spend(post, p, "2011500.00")  # £60,000 over the operating budget: the reserve's £50,000, then £10,000
    result = close(p)
    assert (result["reserve_drawn"], result["variance"]) == ("50000.00", "-10000.00")
    assert legs(result)["cash"] == "10000.00"


def test_without_a_reserve_the_statement_has_the_specs_keys_only(partnership: Any) -> None:
    s = selectors.statement_json(selectors.statement(partnership, FinancialYear(2003)))
    assert "risk_reserve" not in s and "schemes" not in s


def test_a_closed_year_cannot_be_closed_again(post: Any, partnership: Any) -> None:
    spend(post, partnership, "1.00")
    close(partnership)
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        call_command(
            "pool", "close", "--partnership", partnership.slug, "--year", "2003-04", stdout=io.StringIO()
        )
    assert refused.value.returncode == 2
    assert row_counts() == before


def test_a_reversal_of_a_closed_years_posting_is_made_in_the_next_year(post: Any, partnership: Any) -> None:
    spend(post, partnership, "100.00")
    close(partnership)
    post("reversal", "R-1", "2004-04-02", reverses="P-1")
    assert selectors.statement(partnership, FinancialYear(2004)).actual_spend == -10000
    assert Transaction.objects.filter(kind="carry-forward").count() == 1


def test_a_proportional_close_of_a_year_with_nothing_planned_is_refused(post: Any, partnership: Any) -> None:
    spend(post, partnership, "10.00", day="2005-05-01")  # 2005-06: no contributions planned
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        call_command(
            "pool", "close", "--partnership", partnership.slug, "--year", "2005-06", stdout=io.StringIO()
        )
    assert refused.value.returncode == 2
    assert row_counts() == before
