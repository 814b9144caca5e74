"""The KPI recomputation is a job queued after every change of the record, once per partnership at a time;
pages then read stored results for the record as it is."""

from __future__ import annotations

from typing import Any

import pytest

from concordat.core.models import Job
from concordat.performance.jobs import KIND, recompute_queue
from concordat.performance.models import KpiResult
from concordat.treatment.selectors import record_version
from tests.treatment.conftest import partnership as partnership
from tests.treatment.conftest import submit
from tests.treatment.submissions import a_file

pytestmark = pytest.mark.django_db


def test_a_replaced_record_queues_its_partnerships_recomputation_which_stores_the_grid(
    partnership: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submit(partnership, a_file(3))
    job = Job.objects.get(kind=KIND)
    assert job.state == "done" and job.result["results"] > 0  # the tests' tasks run at once
    stored = KpiResult.objects.filter(partnership=partnership)
    assert stored.exists() and set(stored.values_list("record_version", flat=True)) == {
        record_version(partnership.pk)
    }


def test_one_recomputation_waits_per_partnership(partnership: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # left queued
    assert recompute_queue(partnership.pk) is not None
    assert recompute_queue(partnership.pk) is None
    assert Job.objects.filter(kind=KIND, state="queued").count() == 1
