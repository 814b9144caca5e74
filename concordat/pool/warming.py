"""The statement's charts rendered before anyone asks (charts.py keeps them in the shared cache).

A write that changes a year's figures (a posting, a close, a contract's commitments) makes new charts for
that year: once it commits, they are rendered in a background thread of the process that wrote
(documents.cache.warm_in_background, as the notification form's PDF is), so the writer's response does not
wait and the next reader of the statement finds the chart in the cache. `concordat demo load` renders the
demo's charts before it ends (`warm_statement_charts`), so a server started on the demo serves them at once.
Both are off when DOCUMENTS_WARM_AFTER_WRITE is 0 (the tests: a background render would outlive the test).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from concordat.core.years import FinancialYear
from concordat.documents.cache import warm_in_background
from concordat.partnerships.models import Partnership

# The statements a reader can ask for of one year: the whole year and the year to each quarter's end.
PERIODS: tuple[int | None, ...] = (None, 1, 2, 3, 4)


def warm_statement_charts(partnership_id: int, years: Iterable[int]) -> int:
    """Render into the shared cache the chart of every statement of `years` (starting calendar years) of the
    partnership: the whole year and each quarter. Returns how many charts it asked for (those already in the
    cache cost a cache read)."""
    from .charts import chart_svg  # altair and vl_convert only in the process that renders
    from .selectors import statement

    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        return 0
    asked = 0
    for year in sorted(set(years)):
        for quarter in PERIODS:
            chart_svg(statement(partnership, FinancialYear(year), quarter))
            asked += 1
    return asked


def statement_years(partnership: Partnership) -> list[int]:
    """The years whose statements a reader can choose (views.base.pool_years): planned contributions or
    postings."""
    from .models import Transaction

    years = set(partnership.contributions.values_list("year", flat=True))
    years |= set(Transaction.objects.filter(partnership=partnership).values_list("year", flat=True))
    return sorted(years)


def warm_charts_after_commit(partnership_id: int, years: Iterable[int]) -> None:
    """After the current transaction commits (nothing if it rolls back): the charts of `years` rendered in
    the background."""
    if not settings.DOCUMENTS_WARM_AFTER_WRITE:
        return
    touched = sorted(set(years))
    if not touched:
        return
    transaction.on_commit(
        lambda: warm_in_background(
            f"pool charts of partnership {partnership_id}",
            [lambda: warm_statement_charts(partnership_id, touched)],
        )
    )
