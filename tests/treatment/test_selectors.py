"""What the KPI engine asks of the record besides its rows: the date the data is complete to, and which
state of the record it reflects."""

from __future__ import annotations

import pytest

from concordat.treatment.selectors import latest_period_end, record_version
from tests.treatment.conftest import submit
from tests.treatment.submissions import PERIOD_END, a_file, row

pytestmark = pytest.mark.django_db


def test_the_latest_period_end_is_that_of_the_submissions_that_became_the_record(partnership):
    from tests.treatment.test_replacing import upload_staged

    assert latest_period_end(partnership) is None
    submit(partnership, [row()])
    submit(partnership, [row(sex="Q")], period_end=PERIOD_END.replace(year=2006))  # rejected
    assert latest_period_end(partnership) == PERIOD_END
    upload_staged(partnership, a_file(1))  # staged, not (yet) the record: the period end of its file is not
    assert latest_period_end(partnership) == PERIOD_END


def test_the_record_version_moves_with_every_replacement_and_web_change_and_only_then(partnership):
    from tests.treatment.test_replacing import refer_on_the_web, upload_staged

    empty = record_version(partnership.pk)
    submit(partnership, a_file(1))
    first = record_version(partnership.pk)
    upload_staged(partnership, a_file(2))  # staged: not read by anyone
    assert record_version(partnership.pk) == first != empty
    refer_on_the_web(partnership)
    changed = record_version(partnership.pk)
    submit(partnership, a_file(1))
    assert len({empty, first, changed, record_version(partnership.pk)}) == 4


def test_the_record_version_of_many_providers_fits_the_caches_key_and_still_moves() -> None:
    from tests.factories import load_partnership
    from tests.treatment.conftest import submit as submit_to

    many = load_partnership(
        providers=[{"code": f"P{i}", "name": f"P{i}", "tiers": [3]} for i in range(1, 13)]
    )
    versions = []
    for i in range(1, 13):
        submit_to(many, a_file(1), provider=f"P{i}")
        versions.append(record_version(many.pk))
    assert all(len(v) <= 64 for v in versions) and len(set(versions)) == 12
    assert len(versions[-1]) == 64 and versions[-1].startswith("sha256:")
    assert record_version(many.pk) == versions[-1]  # the same record, the same version


def _plan(queryset) -> str:
    """The database's plan for `queryset`, as text (PostgreSQL told not to scan, as with a big table)."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def test_one_providers_rows_by_reference_are_read_from_its_current_generation_by_index(partnership):
    """A key worker's referral asks whether the provider already has the episode or the client: through
    the current generation's unique index, not a read of every row of the partnership (a staged million
    rows made each referral a scan, under the write lock)."""
    from django.db import transaction

    from concordat.treatment.models import Client, Episode
    from tests.treatment.test_replacing import upload_staged

    submit(partnership, [row(client_ref="C1", episode_ref="E1")])
    upload_staged(partnership, [row(client_ref="C2", episode_ref="E2")])  # staged: not the record
    p1 = partnership.providers.get(code="P1")
    assert Client.objects.of_provider(p1.pk).filter(client_ref="C1").exists()
    assert not Client.objects.of_provider(p1.pk).filter(client_ref="C2").exists()
    assert Episode.objects.of_provider(p1.pk).filter(episode_ref="E1").exists()
    assert not Episode.objects.of_provider(p1.pk).filter(episode_ref="E2").exists()
    p2 = partnership.providers.get(code="P2")
    assert not Client.objects.of_provider(p2.pk).filter(client_ref="C1").exists()
    with transaction.atomic():
        for queryset, column in (
            (Client.objects.of_provider(p1.pk).filter(client_ref="C1"), "client_ref"),
            (Episode.objects.of_provider(p1.pk).filter(episode_ref="E1"), "episode_ref"),
        ):
            plan = _plan(queryset)
            # PostgreSQL names the constraint's index; SQLite its columns (its index is an autoindex).
            assert f"{column}_unique_in_generation" in plan or f"generation_id=? AND {column}=?" in plan, plan
            assert "SCAN treatment_" not in plan and "Seq Scan on treatment_" not in plan, plan
