"""The targets: every target, threshold and baseline with its source, for every member; changed by the
lead commissioner through `partnerships.services.targets_save`, with the agreement's stale-edit rules and
the partnership file's own checks, problems at their fields."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from concordat.core.models import AuditEntry
from concordat.core.roles import Role
from concordat.partnerships import services
from concordat.partnerships.models import Partnership
from tests.factories import agreement_document, load_partnership, member, row_counts

pytestmark = pytest.mark.django_db
INVENTED = "Invented for the demonstration"
BNES_WAITS = {  # the 2004 national targets as the B&NES demo sets them (days)
    "inpatient-detox": 14,
    "psychosocial": 14,
    "day-programme": 21,
    "residential-rehab": 21,
}


def hidden(response: Any, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def problem_fields(page: str) -> list[str]:
    """The fields the error summary links to, in its order."""
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    return [re.sub(r"_0$", "", name) for name in re.findall(r'href="#id_([\w-]+)"', summary)]


def answers(**changes: Any) -> dict[str, Any]:
    """The form as Salford's targets fill it (tests/factories.py), with `changes`."""
    data: dict[str, Any] = {
        "baseline_kpi": "in_treatment",
        "baseline_year": "1998-99",
        "baseline_value": "600",
        "accessing_year": "2004-05",
        "accessing_value": "1100",
        "waiting_time_days": "21",
        "waiting_within_threshold_pct": "90",
        "threshold_inpatient-detox": "21",
        "mean_wait_inpatient-detox": "14",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def sourced() -> Partnership:
    document = agreement_document()
    document["targets"]["modality_mean_wait_days"] = BNES_WAITS
    document["modalities"][0]["source"] = "invented"
    document["sources"] = {
        "targets": "invented",
        "targets.accessing_services": "Council report, para 4.11",
    }
    return load_partnership(document)


def url(name: str, slug: str = "salford-dat") -> str:
    return reverse(f"performance:{name}", args=[slug])


def test_every_target_is_shown_with_its_source(client: Any, sourced: Partnership) -> None:
    client.force_login(member(sourced, Role.BOARD_MEMBER))
    page = client.get(url("targets")).content.decode()
    assert "People in treatment: 600 in 1998-99" in page
    assert "1,100 in 2004-05" in page and "Source: Council report, para 4.11" in page
    assert "21 days" in page and "90%" in page
    detox = page[page.index('id="modality-inpatient-detox"') :]
    assert "At most 14 days" in detox[: detox.index("</tr>")]
    psychosocial = page[page.index('id="modality-psychosocial"') :]
    assert "At most 14 days" in psychosocial[: psychosocial.index("</tr>")]
    # the `targets` section is invented, but for the accessing-services target, which cites its paper
    baseline = page[page.index('id="target-targetsbaseline"') :]
    assert INVENTED in baseline[: baseline.index("</dd>")]
    accessing = page[page.index('id="target-targetsaccessing_services"') :]
    assert INVENTED not in accessing[: accessing.index("</dd>")]
    gp = page[page.index('id="modality-gp-prescribing"') :]
    assert INVENTED in gp[: gp.index("</tr>")]  # the modality's own source
    assert "Change the targets" not in page  # only the lead commissioner changes them


def test_a_partnership_without_sources_shows_no_source(client: Any, partnership: Partnership) -> None:
    client.force_login(member(partnership, Role.AUDITOR))
    page = client.get(url("targets")).content.decode()
    assert INVENTED not in page and "Source:" not in page


def test_the_lead_commissioner_changes_the_targets(client: Any, partnership: Partnership) -> None:
    lead = member(partnership, Role.LEAD_COMMISSIONER, first_name="Lena", last_name="Lead")
    client.force_login(lead)
    form = client.get(url("edit-targets"))
    assert form.status_code == 200 and 'value="600"' in form.content.decode()
    response = client.post(
        url("edit-targets"),
        {**answers(accessing_value="1200", **{"mean_wait_psychosocial": "14"}), "seen": hidden(form, "seen")},
    )
    assert response.status_code == 302 and response["Location"] == url("targets")
    targets = Partnership.objects.get(slug="salford-dat").targets
    assert targets["accessing_services"] == {"year": "2004-05", "value": 1200}
    assert targets["modality_mean_wait_days"] == {"inpatient-detox": 14, "psychosocial": 14}
    entry = AuditEntry.objects.filter(partnership="salford-dat").latest("timestamp")
    assert entry.actor_name == "Lena Lead" and "targets" in entry.summary


def test_a_part_left_empty_is_removed(client: Any, partnership: Partnership) -> None:
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    form = client.get(url("edit-targets"))
    empty = answers(baseline_kpi="", baseline_year="", baseline_value="", **{"mean_wait_inpatient-detox": ""})
    assert client.post(url("edit-targets"), {**empty, "seen": hidden(form, "seen")}).status_code == 302
    targets = Partnership.objects.get(slug="salford-dat").targets
    assert "baseline" not in targets and "modality_mean_wait_days" not in targets
    assert targets["modality_thresholds"] == {"inpatient-detox": 21}


def test_the_files_rules_judge_the_answers_and_put_each_problem_at_its_field(
    client: Any, partnership: Partnership
) -> None:
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    form = client.get(url("edit-targets"))
    before = row_counts()
    response = client.post(
        url("edit-targets"),
        {
            **answers(baseline_year="1998-00", accessing_value="", waiting_within_threshold_pct="120",
                      **{"threshold_psychosocial": "-3", "mean_wait_day-programme": "three"}),
            "seen": hidden(form, "seen"),
        },
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert problem_fields(page) == ["mean_wait_day-programme"]  # the form's own reading comes first
    assert "Structured day programme must be a whole number, like 21" in page
    response = client.post(
        url("edit-targets"),
        {
            **answers(baseline_year="1998-00", accessing_value="", waiting_within_threshold_pct="120",
                      **{"threshold_psychosocial": "-3"}),
            "seen": hidden(form, "seen"),
        },
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert problem_fields(page) == [
        "baseline_year", "accessing_value", "waiting_within_threshold_pct", "threshold_psychosocial"
    ]  # fmt: skip
    assert row_counts() == before
    assert Partnership.objects.get(slug="salford-dat").targets["baseline"]["year"] == "1998-99"


def test_a_save_over_someone_elses_change_is_refused_with_their_values(
    client: Any, partnership: Partnership
) -> None:
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    form = client.get(url("edit-targets"))
    other = get_user_model().objects.create_user("olive", first_name="Olive", last_name="Other")
    changed = dict(partnership.targets, waiting_time_days=28)
    assert services.targets_save(partnership=partnership, user=other, targets=changed, seen=None).report.valid
    before = row_counts()
    response = client.post(
        url("edit-targets"), {**answers(waiting_time_days="14"), "seen": hidden(form, "seen")}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "This was changed by Olive Other" in page
    assert "28 days" in page  # their value
    assert 'value="14"' in page  # the editor's own, kept in the form
    assert row_counts() == before
    # saving again from the refused page replaces theirs, on purpose
    again = client.post(
        url("edit-targets"), {**answers(waiting_time_days="14"), "seen": hidden(response, "seen")}
    )
    assert again.status_code == 302
    assert Partnership.objects.get(slug="salford-dat").targets["waiting_time_days"] == 14


def test_the_same_save_sent_twice_is_not_stale(client: Any, partnership: Partnership) -> None:
    client.force_login(member(partnership, Role.LEAD_COMMISSIONER))
    form = client.get(url("edit-targets"))
    data = {**answers(waiting_time_days="28"), "seen": hidden(form, "seen")}
    assert client.post(url("edit-targets"), data).status_code == 302
    assert client.post(url("edit-targets"), data).status_code == 302


def test_targets_save_checks_with_the_files_rules_and_writes_one_audited_change(
    partnership: Partnership,
) -> None:
    bad = dict(partnership.targets, modality_thresholds={"no-such-modality": 3})
    outcome = services.targets_save(partnership=partnership, user=None, targets=bad, seen=None)
    assert [p.path for p in outcome.report.errors] == ["targets.modality_thresholds.no-such-modality"]
    before = AuditEntry.objects.count()
    good = dict(partnership.targets, waiting_time_days=28)
    outcome = services.targets_save(partnership=partnership, user=None, targets=good, seen=None)
    assert outcome.report.valid and outcome.changes.any
    assert AuditEntry.objects.count() == before + 1
    assert Partnership.objects.get(pk=partnership.pk).targets["waiting_time_days"] == 28
    with pytest.raises(TypeError):
        services.targets_save(partnership, None, good, None)  # type: ignore[misc]
