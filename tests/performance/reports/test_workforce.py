"""The treatment workforce: a figure entered on the web (the lead for any provider, a data officer for their
own), stale edits refused with the other person's values, the CSV import with every problem at its row and
column and nothing half-written, the API with ETags, and the audit trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from concordat.core.models import AuditEntry
from concordat.core.roles import Role
from concordat.performance import workforce
from concordat.performance.models import WorkforceFigure
from tests.factories import member

from .conftest import run

pytestmark = pytest.mark.django_db
URL = "/partnerships/salford-dat/performance/workforce/"
API = "/api/v1/partnerships/salford-dat/workforce"


def figures() -> dict[tuple[str, int], tuple[int, str]]:
    return {(f.provider.code, f.year): (f.fte_hundredths, f.source) for f in WorkforceFigure.objects.all()}


def save(partnership: Any, provider: str = "P1", year: str = "2004-05", fte: str = "12.5", **kw: Any) -> Any:
    return workforce.figure_save(
        partnership=partnership, provider=provider, year=year, fte=fte, seen=kw.pop("seen", None),
        user=kw.pop("user", None), **kw,
    )  # fmt: skip


# --- the form --------------------------------------------------------------------------------------------


def test_the_lead_enters_a_figure_and_the_trail_says_so(client: Any, partnership: Any, lead: Any) -> None:
    client.force_login(lead)
    page = client.get(URL + "P1/2004-05/")
    assert page.status_code == 200 and page.context["seen"] == workforce.figure_seen(None)
    response = client.post(
        URL + "P1/2004-05/", {"fte": "12.5", "source": "HR return", "seen": page.context["seen"]}
    )
    assert response.status_code == 302
    assert figures() == {("P1", 2004): (1250, "HR return")}
    entry = AuditEntry.objects.filter(partnership="salford-dat", content_type__model="workforcefigure").get()
    assert entry.summary == "added the workforce figure of P1 2004-05" and entry.actor_name == "Lena Lead"
    save(partnership, fte="13.5", source="HR return", user=lead)
    changed = AuditEntry.objects.filter(content_type__model="workforcefigure").order_by("-id").first()
    assert (
        changed.summary == "changed the whole-time equivalent staff of P1 2004-05 from 12.50 FTE to 13.50 FTE"
    )


def test_the_table_shows_growth_per_provider_and_in_total(client: Any, partnership: Any, lead: Any) -> None:
    for provider, year, fte in [("P1", "2003-04", "10"), ("P1", "2004-05", "11"), ("P2", "2003-04", "4"),
                                ("P2", "2004-05", "6")]:  # fmt: skip
        save(partnership, provider, year, fte)
    client.force_login(lead)
    page = client.get(URL)
    table = page.content.decode()
    assert page.status_code == 200 and "10.0%" in table and "50.0%" in table and "21.4%" in table
    assert [(value, growth) for value, growth, _ in page.context["total"]] == [(1400, None), (1700, 21.4)]


def test_a_data_officer_enters_their_own_providers_figures_only(client: Any, partnership: Any) -> None:
    officer = member(partnership, Role.PROVIDER_DATA_OFFICER, provider="P1", username="officer")
    client.force_login(officer)
    seen = workforce.figure_seen(None)
    assert client.post(URL + "P1/2004-05/", {"fte": "3", "seen": seen}).status_code == 302
    assert client.post(URL + "P2/2004-05/", {"fte": "3", "seen": seen}).status_code == 403
    assert figures() == {("P1", 2004): (300, "")}
    # They read only their own provider's figures, and the form offers only their provider.
    save(partnership, "P2", fte="9")
    page = client.get(URL)
    assert [row["provider"].code for row in page.context["rows"]] == ["P1"]
    assert [c for c, _ in page.context["form"].fields["provider"].choices] == ["P1"]


def test_a_key_worker_sees_no_workforce(client: Any, partnership: Any) -> None:
    client.force_login(member(partnership, Role.KEY_WORKER, username="worker"))
    assert client.get(URL).status_code == 403


def test_a_save_over_someone_elses_is_refused_with_their_values(
    client: Any, partnership: Any, lead: Any
) -> None:
    client.force_login(lead)
    seen = client.get(URL + "P1/2004-05/").context["seen"]
    other = member(partnership, Role.LEAD_COMMISSIONER, username="other", first_name="Oli", last_name="Other")
    save(partnership, fte="20", source="their source", user=other)
    response = client.post(URL + "P1/2004-05/", {"fte": "12.5", "seen": seen})
    assert response.status_code == 409
    html = response.content.decode()
    assert "This was changed by Oli Other" in html and "20.00" in html and "their source" in html
    assert figures() == {("P1", 2004): (2000, "their source")}
    # Saving again, having seen theirs, replaces it on purpose.
    again = client.post(URL + "P1/2004-05/", {"fte": "12.5", "seen": response.context["seen"]})
    assert again.status_code == 302 and figures() == {("P1", 2004): (1250, "")}


def test_the_same_answers_sent_twice_save_once_and_are_not_stale(
    client: Any, partnership: Any, lead: Any
) -> None:
    client.force_login(lead)
    seen = workforce.figure_seen(None)
    assert client.post(URL + "P1/2004-05/", {"fte": "7", "seen": seen}).status_code == 302
    assert client.post(URL + "P1/2004-05/", {"fte": "7.00", "seen": seen}).status_code == 302
    assert AuditEntry.objects.filter(content_type__model="workforcefigure").count() == 1


@pytest.mark.parametrize(
    ("fte", "message"),
    [
        ("", "Enter the whole-time equivalent staff"),
        ("-2", "is negative"),
        ("1.234", "at most two decimal places"),
    ],
)
def test_a_wrong_figure_is_said_at_its_field_and_nothing_saved(
    client: Any, partnership: Any, lead: Any, fte: str, message: str
) -> None:
    client.force_login(lead)
    response = client.post(URL + "P1/2004-05/", {"fte": fte, "seen": workforce.figure_seen(None)})
    assert response.status_code == 400 and message in str(response.context["form"].errors["fte"])
    assert figures() == {}


def test_an_address_naming_no_provider_or_year_is_not_found(client: Any, partnership: Any, lead: Any) -> None:
    client.force_login(lead)
    assert client.get(URL + "P9/2004-05/").status_code == 404
    assert client.get(URL + "P1/2004-06/").status_code == 404


# --- the import ------------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "workforce.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_file_is_imported_whole_and_a_second_time_changes_nothing(partnership: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "provider,year,fte,source\nP1,2003-04,10,HR\nP1,2004-05,11.5,HR\nP2,2004-05,4,\n")
    status, out = run("workforce", "import", path, "--partnership", "salford-dat", "--json")
    assert status == 0
    assert json.loads(out) == {"accepted": True, "rows": 3, "errors": [], "warnings": []}
    assert figures() == {("P1", 2003): (1000, "HR"), ("P1", 2004): (1150, "HR"), ("P2", 2004): (400, "")}
    entries = AuditEntry.objects.count()
    assert run("workforce", "import", path, "--partnership", "salford-dat")[0] == 0
    assert AuditEntry.objects.count() == entries


def test_a_figure_replaced_by_the_file_is_a_warning(partnership: Any, tmp_path: Path) -> None:
    save(partnership, fte="9")
    path = write(tmp_path, "provider,year,fte\nP1,2004-05,10\n")
    status, out = run("workforce", "import", path, "--partnership", "salford-dat", "--json")
    report = json.loads(out)
    assert status == 0 and report["accepted"]
    assert [(w["row"], w["column"], w["code"]) for w in report["warnings"]] == [(2, "fte", "replaced")]
    assert "replaces 9.00 FTE" in report["warnings"][0]["message"]


def test_every_problem_is_reported_at_its_row_and_column_and_nothing_is_written(
    partnership: Any, tmp_path: Path
) -> None:
    save(partnership, fte="9")
    text = (
        "provider,year,fte\n"
        "P1,2004-05,10\n"  # fine, but the file has errors: not written
        "P9,2004-05,1\n"
        "P2,2004-06,1\n"
        "P2,2004-05,-1\n"
        "P2,2003-04,1.234\n"
        "P1,2004-05,11\n"
        ",,\n"
        "P2,2005-06\n"
    )
    status, out = run("workforce", "import", write(tmp_path, text), "--partnership", "salford-dat", "--json")
    report = json.loads(out)
    assert status == 2 and report["accepted"] is False and report["rows"] == 8
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        (3, "provider", "unknown-provider"),
        (4, "year", "bad-year"),
        (5, "fte", "negative-fte"),
        (6, "fte", "bad-fte"),
        (7, "provider", "duplicate-row"),
        (8, "provider", "missing-value"),
        (8, "year", "missing-value"),
        (8, "fte", "missing-value"),
        (9, "", "wrong-number-of-values"),
    ]
    assert figures() == {("P1", 2004): (900, "")}


def test_a_file_without_a_column_it_needs_is_refused(partnership: Any, tmp_path: Path) -> None:
    status, out = run(
        "workforce",
        "import",
        write(tmp_path, "provider,fte\nP1,3\n"),
        "--partnership",
        "salford-dat",
        "--json",
    )
    assert status == 2 and [e["code"] for e in json.loads(out)["errors"]] == ["missing-column"]


def test_an_unknown_partnership_or_file_is_an_error_of_the_report(partnership: Any, tmp_path: Path) -> None:
    status, out = run("workforce", "import", str(tmp_path / "none.csv"), "--partnership", "nowhere", "--json")
    report = json.loads(out)
    assert status == 2
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(0, "unknown-partnership"), (0, "no-file")]


# --- the API ---------------------------------------------------------------------------------------------


def put(client: Any, path: str, body: Any, **headers: str) -> Any:
    return client.put(API + path, json.dumps(body), content_type="application/json", headers=headers)


def test_the_api_enters_reads_and_changes_a_figure_with_its_etag(
    client: Any, partnership: Any, lead: Any
) -> None:
    client.force_login(lead)
    created = put(client, "/P1/2004-05", {"fte": "12.5", "source": "HR"})
    assert created.status_code == 201 and created.json()["fte"] == "12.50" and created["ETag"]
    read = client.get(API + "/P1/2004-05")
    assert read.status_code == 200 and read["ETag"] == created["ETag"]
    assert put(client, "/P1/2004-05", {"fte": "13"}).status_code == 428
    changed = put(client, "/P1/2004-05", {"fte": "13"}, **{"If-Match": read["ETag"]})
    assert changed.status_code == 200 and changed.json()["fte"] == "13.00" and changed["ETag"] != read["ETag"]
    stale = put(client, "/P1/2004-05", {"fte": "14"}, **{"If-Match": read["ETag"]})
    assert stale.status_code == 412 and stale["Content-Type"] == "application/problem+json"
    # The same values again, with no If-Match: a retry is harmless.
    assert put(client, "/P1/2004-05", {"fte": "13.00"}).status_code == 200
    assert figures() == {("P1", 2004): (1300, "")}
    listing = client.get(API).json()
    assert listing["years"] == ["2004-05"] and listing["providers"][0]["years"][0]["fte"] == "13.00"


def test_a_wrong_body_is_a_problem_at_its_path_and_changes_nothing(
    client: Any, partnership: Any, lead: Any
) -> None:
    client.force_login(lead)
    bad = put(client, "/P1/2004-05", {"fte": "1.234"})
    assert bad.status_code == 422 and [(e["path"], e["code"]) for e in bad.json()["errors"]] == [
        ("$.fte", "bad-fte")
    ]
    extra = put(client, "/P1/2004-05", {"fte": "1", "colour": "red"})
    assert extra.status_code == 422 and extra.json()["errors"][0]["code"] == "extra_forbidden"
    assert put(client, "/P1/2004-06", {"fte": "1"}).status_code == 422
    assert put(client, "/P9/2004-05", {"fte": "1"}).status_code == 404
    assert figures() == {}


def test_a_data_officer_may_not_write_another_providers_figure(client: Any, partnership: Any) -> None:
    client.force_login(member(partnership, Role.PROVIDER_DATA_OFFICER, provider="P1", username="officer"))
    assert put(client, "/P2/2004-05", {"fte": "1"}).status_code == 403
    assert put(client, "/P1/2004-05", {"fte": "1"}).status_code == 201
    assert figures() == {("P1", 2004): (100, "")}
