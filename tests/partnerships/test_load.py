"""`concordat partnership check|load FILE [--json]`: the report, the exit status, and all or nothing."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concordat.core.models import AuditEntry as LogEntry
from concordat.core.roles import Role
from concordat.partnerships import models, services
from concordat.partnerships.document import dump_yaml, export_agreement
from tests.factories import agreement_document, concordat_env, member, row_counts, run_concordat


@pytest.fixture(autouse=True)
def _fixed_today(fixed_today: Any) -> None:
    """Warnings depend on the day: keep them those of February 2004."""


def write(tmp_path: Path, document: dict[str, Any] | str, name: str = "agreement.yaml") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else dump_yaml(document), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    """call_command's exit status (0, or the CommandError's) and what it printed."""
    out = StringIO()
    try:
        call_command("partnership", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    status, printed = run(*args, "--json")
    return status, json.loads(printed)


# --- check ---------------------------------------------------------------------------------------------


def test_check_json_of_a_valid_file(tmp_path: Path) -> None:
    status, report = run_json("check", str(write(tmp_path, agreement_document())))
    assert status == 0
    assert set(report) == {"valid", "errors", "warnings"}
    assert report["valid"] is True
    assert report["errors"] == []
    [warning] = report["warnings"]
    assert set(warning) == {"path", "code", "message"}
    assert warning["path"] == "stated_totals[0].amount"
    assert warning["code"] == "stated-total-mismatch"
    assert "£2,150,000.00" in warning["message"] and "£2,001,500.00" in warning["message"]


def test_check_json_of_an_invalid_file_exits_2(tmp_path: Path) -> None:
    document = agreement_document()
    document["partners"][1]["code"] = "SCC"
    status, report = run_json("check", str(write(tmp_path, document)))
    assert status == 2
    assert report["valid"] is False
    assert {"path": "partners[1].code", "code": "duplicate-code"} in [
        {"path": e["path"], "code": e["code"]} for e in report["errors"]
    ]
    assert all(set(entry) == {"path", "code", "message"} for entry in report["errors"] + report["warnings"])


@pytest.mark.django_db
def test_check_writes_nothing(tmp_path: Path) -> None:
    before = row_counts()
    assert run("check", str(write(tmp_path, agreement_document())))[0] == 0
    assert row_counts() == before


def test_check_for_people_names_the_problems(tmp_path: Path) -> None:
    status, printed = run("check", str(write(tmp_path, agreement_document(slug="Salford DAT"))))
    assert status == 2
    assert "invalid-slug" in printed and "not valid" in printed
    status, printed = run("check", str(write(tmp_path, agreement_document())))
    assert status == 0
    assert "stated-total-mismatch" in printed and "valid" in printed


def test_a_yaml_syntax_error_exits_2_with_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "slug: salford-dat\nname: Salford\npartners:\n  - {code: SCC, name: [unclosed\n")
    for action in ("check", "load"):
        status, report = run_json(action, str(path))
        assert status == 2
        assert report["valid"] is False
        [error] = report["errors"]
        assert error["code"] == "yaml"
        assert "line 4" in error["message"] or "line 5" in error["message"]
        assert "column" in error["message"]
        if action == "load":
            assert (report["created"], report["changed"], report["removed"]) == ([], [], [])


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    for action in ("check", "load"):
        status, report = run_json(action, str(tmp_path / "nowhere.yaml"))
        assert status == 2
        assert report["valid"] is False
        assert "nowhere.yaml" in report["errors"][0]["message"]
        assert set(report) == (
            {"valid", "errors", "warnings"}
            if action == "check"
            else {"valid", "errors", "warnings", "partnership", "created", "changed", "removed"}
        )


def test_a_file_that_is_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Salford Caf\u00e9\n".encode("latin-1"))
    status, report = run_json("check", str(path))
    assert status == 2
    assert report["errors"][0]["code"] == "encoding"


# --- load ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_creates_the_partnership(tmp_path: Path) -> None:
    status, report = run_json("load", str(write(tmp_path, agreement_document())))
    assert status == 0
    assert report["valid"] is True
    assert report["partnership"] == "salford-dat"
    assert "partnership salford-dat" in report["created"]
    assert {
        "partner SCC",
        "partner PCT",
        "partner GMP",
        "partner PROB",
        "funding stream NTA-PTB",
        "provider P1",
    } <= set(report["created"])
    assert report["changed"] == [] and report["removed"] == []
    assert [w["code"] for w in report["warnings"]] == ["stated-total-mismatch"]

    partnership = models.Partnership.objects.get(slug="salford-dat")
    assert partnership.host_partner.code == "SCC"
    assert partnership.lead_commissioner.code == "SCC"
    assert [p.code for p in partnership.partners.all()] == ["SCC", "PCT", "GMP", "PROB"]
    assert sorted((c.stream.code, c.year, c.amount_pence) for c in partnership.contributions.all()) == [
        ("MAINSTREAM-HEALTH", 2003, 59_750_000),
        ("NTA-PTB", 2003, 120_000_000),
        ("SOCIAL-SERVICES", 2003, 20_400_000),
    ]
    assert partnership.stated_totals.get().amount_pence == 215_000_000
    assert partnership.milestones.count() == 3
    assert partnership.governance_items.count() == 3
    assert partnership.approvals.count() == 2
    assert LogEntry.objects.filter(additional_data__partnership="salford-dat").exists()


@pytest.mark.django_db
def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, agreement_document())
    assert run_json("load", str(path))[0] == 0
    before = row_counts()
    status, report = run_json("load", str(path))
    assert status == 0
    assert (report["created"], report["changed"], report["removed"]) == ([], [], [])
    assert report["partnership"] == "salford-dat"
    assert row_counts() == before
    status, printed = run("load", str(path))
    assert status == 0
    assert "nothing changed" in printed


@pytest.mark.django_db
def test_the_demo_like_file_with_every_optional_section_loads_twice_the_same(tmp_path: Path) -> None:
    document = agreement_document(
        review_date=date(2005, 3, 31),
        improvements=["Improved quality of life"],
        staff_movement="None",
        consultation=[{"who": "service-users", "how": "Focus groups", "date": date(2003, 2, 1)}],
        board=[{"name": "Anne Williams", "role": "Chair", "represents": "SCC"}],
        options_appraisals=[
            {
                "title": "Model",
                "criteria": [{"name": "Users first", "weight": 3}],
                "options": [{"code": "1(b)", "name": "Lead agency", "scores": {"Users first": 4}}],
                "preferred": "1(b)",
                "reasons": ["Best"],
                "decision": {"body": "Cabinet", "date": date(2000, 4, 25), "text": "Endorsed"},
            }
        ],
        risk_share={
            "overspend": "fixed",
            "underspend": "fixed",
            "fixed_shares": {"SCC": "33.33", "PCT": 66.67},
        },
    )
    path = write(tmp_path, document)
    assert run_json("load", str(path))[0] == 0
    before = row_counts()
    status, report = run_json("load", str(path))
    assert (status, report["created"], report["changed"], report["removed"]) == (0, [], [], [])
    assert row_counts() == before


@pytest.mark.django_db
def test_an_invalid_file_changes_nothing(tmp_path: Path) -> None:
    assert run_json("load", str(write(tmp_path, agreement_document())))[0] == 0
    before = row_counts()
    document = agreement_document(name="A new name")
    document["contributions"][0]["year"] = "2003-05"
    status, report = run_json("load", str(write(tmp_path, document, "bad.yaml")))
    assert status == 2
    assert report["valid"] is False
    assert ("contributions[0].year", "invalid-year") in [(e["path"], e["code"]) for e in report["errors"]]
    assert (report["created"], report["changed"], report["removed"]) == ([], [], [])
    assert row_counts() == before
    assert models.Partnership.objects.get().name == "Salford Drug Action Team"


@pytest.mark.django_db
def test_an_amount_too_large_for_the_database_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    # It passed the check, then the load crashed with a traceback (OverflowError / bigint out of range).
    assert run_json("load", str(write(tmp_path, agreement_document())))[0] == 0
    before = row_counts()
    document = agreement_document()
    document["contributions"][0]["amount"] = "99999999999999999999.00"
    status, report = run_json("load", str(write(tmp_path, document, "huge.yaml")))
    assert status == 2
    assert [(e["path"], e["code"]) for e in report["errors"]] == [
        ("contributions[0].amount", "invalid-money")
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_a_name_too_long_for_its_column_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    # SQLite stores it anyway; PostgreSQL failed the load with "value too long" and a traceback.
    assert run_json("load", str(write(tmp_path, agreement_document())))[0] == 0
    before = row_counts()
    status, report = run_json("load", str(write(tmp_path, agreement_document(name="x" * 250), "long.yaml")))
    assert status == 2
    assert [(e["path"], e["code"]) for e in report["errors"]] == [("name", "too-long")]
    assert row_counts() == before


@pytest.mark.django_db
def test_an_invalid_new_partnership_is_not_created(tmp_path: Path) -> None:
    before = row_counts()
    status, _ = run_json("load", str(write(tmp_path, agreement_document(host_partner="XYZ"))))
    assert status == 2
    assert row_counts() == before


@pytest.mark.django_db
def test_a_changed_file_updates_in_place_and_says_what_changed(tmp_path: Path) -> None:
    assert run_json("load", str(write(tmp_path, agreement_document())))[0] == 0
    partnership = models.Partnership.objects.get()
    scc_id = partnership.partners.get(code="SCC").pk

    document = agreement_document()
    document["partners"][0]["name"] = "City of Salford"
    document["milestones"].pop()
    document["providers"].append({"code": "P2", "name": "Second Service", "tiers": [4]})
    document["contributions"][2]["amount"] = "210000.00"
    status, report = run_json("load", str(write(tmp_path, document)))
    assert status == 0
    assert "partner SCC" in report["changed"]
    assert "contribution SOCIAL-SERVICES 2003-04" in report["changed"]
    assert report["removed"] == ["milestone 'Consult service users, carers, staff and other organisations'"]
    assert report["created"] == ["provider P2"]
    assert "partner PCT" not in report["changed"]

    assert models.Partnership.objects.get().pk == partnership.pk
    scc = partnership.partners.get(code="SCC")
    assert (scc.pk, scc.name) == (scc_id, "City of Salford")
    assert partnership.milestones.count() == 2
    assert partnership.contributions.get(stream__code="SOCIAL-SERVICES").amount_pence == 21_000_000


@pytest.mark.django_db
def test_removing_a_partner_and_its_stream(tmp_path: Path) -> None:
    assert run_json("load", str(write(tmp_path, agreement_document())))[0] == 0
    document = agreement_document()
    del document["partners"][3]  # probation had no stream
    status, report = run_json("load", str(write(tmp_path, document)))
    assert status == 0
    assert report["removed"] == ["partner PROB"]
    assert not models.Partner.objects.filter(code="PROB").exists()


@pytest.mark.django_db
def test_a_provider_others_depend_on_is_refused_not_removed(tmp_path: Path) -> None:
    assert run_json("load", str(write(tmp_path, agreement_document())))[0] == 0
    partnership = models.Partnership.objects.get()
    member(partnership, Role.PROVIDER_DATA_OFFICER, provider="P1")
    before = row_counts()
    status, report = run_json("load", str(write(tmp_path, agreement_document(providers=[], name="Renamed"))))
    assert status == 2
    assert report["valid"] is False
    assert [e["code"] for e in report["errors"]] == ["in-use"]
    assert "provider P1" in report["errors"][0]["message"]
    assert row_counts() == before
    assert models.Partnership.objects.get().name == "Salford Drug Action Team"


@pytest.mark.django_db
def test_export_then_load_changes_nothing(tmp_path: Path) -> None:
    document = agreement_document(
        board=[{"name": "Anne Williams", "represents": "PCT"}],
        eligibility={"min_age": 18, "description": "Adults"},
    )
    assert run_json("load", str(write(tmp_path, document)))[0] == 0
    out = StringIO()
    call_command("partnership", "export", "salford-dat", stdout=out)
    before = row_counts()
    status, report = run_json("load", str(write(tmp_path, out.getvalue(), "exported.yaml")))
    assert (status, report["created"], report["changed"], report["removed"]) == (0, [], [], [])
    assert row_counts() == before


@pytest.mark.django_db
def test_keys_the_format_does_not_know_are_in_the_export_as_the_file_wrote_them(tmp_path: Path) -> None:
    text = dump_yaml(agreement_document())
    text = text.replace(
        "  kind: local-authority\n", "  kind: local-authority\n  contact: 'Jo Bloggs, 0161 000'\n", 1
    )
    text += "contacts:\n- {name: Jo Bloggs, since: '2003-04', desk: 12}\nreviewed: true\n"
    (tmp_path / "agreement.yaml").write_text(text, encoding="utf-8")
    status, report = run_json("load", str(tmp_path / "agreement.yaml"))
    assert status == 0
    out = StringIO()
    call_command("partnership", "export", "salford-dat", stdout=out)
    exported = out.getvalue()
    assert "contact: Jo Bloggs, 0161 000" in exported
    assert exported.endswith("contacts:\n- name: Jo Bloggs\n  since: 2003-04\n  desk: 12\nreviewed: true\n")
    status, report = run_json("load", str(write(tmp_path, exported, "exported.yaml")))
    assert (status, report["created"], report["changed"], report["removed"]) == (0, [], [], [])
    assert [w["path"] for w in report["warnings"] if w["code"] == "unknown-key"] == [
        "contacts",
        "reviewed",
        "partners[0].contact",
    ]


@pytest.mark.django_db
def test_export_of_an_unknown_slug_exits_2() -> None:
    with pytest.raises(CommandError) as raised:
        call_command("partnership", "export", "nowhere", stdout=StringIO())
    assert raised.value.returncode == 2


@pytest.mark.django_db
def test_an_edit_that_changes_nothing_writes_nothing(partnership: models.Partnership, lead: Any) -> None:
    before = row_counts()
    document = export_agreement(partnership)
    approval = {k: v for k, v in document["approvals"][0].items() if k != "key"}
    outcomes = [
        services.details_save(partnership=partnership, user=lead, values={}, seen=None),
        services.statements_save(
            partnership=partnership,
            user=lead,
            aims=document["aims"],
            outcomes=document["outcomes"],
            seen=None,
        ),
        services.entry_save(
            partnership=partnership,
            user=lead,
            collection="approvals",
            key=document["approvals"][0]["key"],
            entry=approval,
        ),
        services.agreement_replace(
            partnership=partnership,
            document=document,
            version=models.Partnership.objects.get(pk=partnership.pk).version,
            user=lead,
        ),
    ]
    for outcome in outcomes:
        assert outcome.report.valid
        assert not outcome.changes.any
    assert row_counts() == before
    assert export_agreement(partnership) == document


# --- through a real process: exit codes as a shell sees them -------------------------------------------


def test_check_exit_codes_from_a_real_process(tmp_path: Path) -> None:
    env = concordat_env(tmp_path / "var", DEBUG="1")
    valid = run_concordat(
        "partnership", "check", str(write(tmp_path, agreement_document())), "--json", env=env
    )
    assert valid.returncode == 0, valid.stderr
    assert json.loads(valid.stdout)["valid"] is True

    invalid = run_concordat(
        "partnership",
        "check",
        str(write(tmp_path, agreement_document(area=["X1"]), "bad.yaml")),
        "--json",
        env=env,
    )
    assert invalid.returncode == 2
    report = json.loads(invalid.stdout)  # stdout holds the JSON alone, whatever the exit status
    assert report["valid"] is False
    assert [(e["path"], e["code"]) for e in report["errors"]] == [("area[0]", "invalid-code")]

    missing = run_concordat("partnership", "check", str(tmp_path / "nowhere.yaml"), env=env)
    assert missing.returncode == 2


def test_load_from_a_real_process_on_its_own_sqlite(tmp_path: Path) -> None:
    env = concordat_env(tmp_path / "var", DEBUG="1")
    migrate = run_concordat("migrate", "--noinput", env=env)
    assert migrate.returncode == 0, migrate.stderr
    path = write(tmp_path, agreement_document())

    first = run_concordat("partnership", "load", str(path), "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert "partnership salford-dat" in json.loads(first.stdout)["created"]

    second = run_concordat("partnership", "load", str(path), "--json", env=env)
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert (again["created"], again["changed"], again["removed"]) == ([], [], [])

    bad = run_concordat(
        "partnership",
        "load",
        str(write(tmp_path, agreement_document(slug="Bad Slug"), "bad.yaml")),
        "--json",
        env=env,
    )
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["valid"] is False
    assert (tmp_path / "var" / "concordat.sqlite3").exists()
