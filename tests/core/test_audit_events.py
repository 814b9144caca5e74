"""Business events on the audit trail beside row changes: signing in and out, failed sign-ins, passwords,
downloads, exports and file loads; and who the command line's writes are by."""

from __future__ import annotations

import getpass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from auditlog import get_logentry_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict
from django.urls import reverse

from concordat.core.audit import acting_as, record_event
from concordat.core.models import AuditEntry, Kind
from concordat.core.roles import Role
from concordat.partnerships.document import dump_yaml
from tests.factories import PASSWORD, agreement_document, load_partnership, member, row_counts

COMMAND_LINE = f"{getpass.getuser()} (command line)"


def events(kind: str, slug: str | None = None) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(kind=kind).order_by("id")
    return list(entries if slug is None else entries.filter(partnership=slug))


def holds_no_secret(entry: AuditEntry, *secrets: str) -> bool:
    stored = repr(model_to_dict(entry)) + repr(entry.changes) + repr(entry.additional_data)
    return not any(secret in stored for secret in secrets)


@pytest.fixture
def lena(partnership: Any) -> Any:
    return member(partnership, Role.LEAD_COMMISSIONER, username="lena", first_name="Lena", last_name="Lead")


def test_the_audit_entry_model_is_the_one_auditlog_writes() -> None:
    assert get_logentry_model() is AuditEntry


@pytest.mark.django_db
def test_rows_counts_the_audit_entries() -> None:
    load_partnership()
    assert row_counts()["LogEntry"] == AuditEntry.objects.count() > 0


# --- signing in and out ---------------------------------------------------------------------------------


def test_signing_in_and_out_is_on_the_trail_of_each_partnership_of_the_user(client: Any, lena: Any) -> None:
    other = load_partnership(slug="other-dat", name="Other Drug Action Team")
    member_of_both = member(other, Role.AUDITOR, username="lena-too")
    assert client.post(reverse("core:sign-in"), {"username": "lena", "password": PASSWORD}).status_code == 302
    client.post(reverse("core:sign-out"))
    assert [(e.partnership, e.sentence) for e in events(Kind.SIGNED_IN)] == [
        ("salford-dat", "Lena Lead signed in")
    ]
    assert [(e.partnership, e.sentence) for e in events(Kind.SIGNED_OUT)] == [
        ("salford-dat", "Lena Lead signed out")
    ]
    member(load_partnership(slug="third-dat", name="Third DAT"), Role.AUDITOR, username="lena-too")
    client.post(reverse("core:sign-in"), {"username": "lena-too", "password": PASSWORD})
    assert sorted(e.partnership for e in events(Kind.SIGNED_IN) if e.actor == member_of_both) == [
        "other-dat",
        "third-dat",
    ]


def test_a_failed_sign_in_is_recorded_without_the_password(client: Any, lena: Any) -> None:
    client.post(reverse("core:sign-in"), {"username": "lena", "password": "not-her-password-at-all"})
    [failed] = events(Kind.SIGN_IN_FAILED)
    assert failed.partnership == "salford-dat"
    assert failed.sentence == "Someone not signed in failed to sign in as Lena Lead"
    assert failed.actor is None
    assert holds_no_secret(failed, "not-her-password-at-all")


def test_a_failed_sign_in_for_an_unknown_username_keeps_neither_username_nor_password(
    client: Any, partnership: Any
) -> None:
    client.post(reverse("core:sign-in"), {"username": "hunter2-typed-here", "password": "secret-guess-1"})
    [failed] = events(Kind.SIGN_IN_FAILED)
    assert failed.partnership == ""
    assert failed.summary == "failed to sign in with a username that belongs to no one"
    assert holds_no_secret(failed, "hunter2-typed-here", "secret-guess-1")


# --- passwords ------------------------------------------------------------------------------------------


def test_changing_a_password_is_recorded_on_the_users_partnerships(lena: Any) -> None:
    with acting_as(lena):
        lena.set_password("a-new-long-password-42")
        lena.save()
    [changed] = events(Kind.PASSWORD_CHANGED, "salford-dat")
    assert changed.sentence == "Lena Lead changed their password"
    assert holds_no_secret(changed, "a-new-long-password-42", lena.password)


def test_a_password_set_from_the_command_line_names_who_set_it(lena: Any) -> None:
    lena.set_password("a-new-long-password-42")
    lena.save()
    [changed] = events(Kind.PASSWORD_CHANGED, "salford-dat")
    assert changed.sentence == f"{COMMAND_LINE} changed the password of Lena Lead"


def test_a_stronger_hash_of_the_same_password_is_not_a_change(client: Any, lena: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    lena.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    lena.save()
    before = len(events(Kind.PASSWORD_CHANGED))
    assert client.login(username="lena", password=PASSWORD)
    lena.refresh_from_db()
    assert lena.password.startswith("md5$")  # Django re-hashed it on sign-in
    assert len(events(Kind.PASSWORD_CHANGED)) == before


# --- downloads, exports, loads --------------------------------------------------------------------------


def test_downloading_the_notification_form_is_recorded(client: Any, lena: Any) -> None:
    client.force_login(lena)
    assert client.get(reverse("partnerships:notification-form-pdf", args=["salford-dat"])).status_code == 200
    [download] = events(Kind.FORM_DOWNLOADED, "salford-dat")
    assert download.sentence == "Lena Lead downloaded the Section 31 notification form as a PDF"


def test_exporting_the_partnership_file_is_recorded(client: Any, lena: Any) -> None:
    client.force_login(lena)
    assert client.get(reverse("partnerships:export-yaml", args=["salford-dat"])).status_code == 200
    [exported] = events(Kind.FILE_EXPORTED, "salford-dat")
    assert exported.sentence == "Lena Lead exported the partnership file (YAML)"
    assert exported.changes is None


@pytest.mark.django_db
def test_loading_a_file_is_one_event_saying_what_it_changed() -> None:
    load_partnership()
    document = agreement_document()
    document["contributions"][0]["amount"] = "1250000.00"
    document["approvals"] = document["approvals"][:1]
    load_partnership(document)
    assert [e.sentence for e in events(Kind.FILE_LOADED, "salford-dat")] == [
        f"{COMMAND_LINE} loaded a partnership file: 24 created, 0 changed, 0 removed",
        f"{COMMAND_LINE} loaded a partnership file: 0 created, 1 changed, 1 removed",
    ]
    load_partnership(document)
    assert len(events(Kind.FILE_LOADED)) == 2  # a load that changes nothing writes nothing


def test_record_event_is_the_one_call_for_a_business_event(partnership: Any, lena: Any) -> None:
    entry = record_event(
        kind=Kind.FORM_DOWNLOADED, actor=lena, partnership_slug="salford-dat", summary="downloaded a report"
    )
    assert (entry.sentence, entry.partnership, entry.actor, entry.kind) == (
        "Lena Lead downloaded a report",
        "salford-dat",
        lena,
        "form-downloaded",
    )


# --- the command line -----------------------------------------------------------------------------------


def _load(tmp_path: Path, *options: str) -> None:
    path = tmp_path / "salford.yaml"
    document = agreement_document()
    document["contributions"][0]["amount"] = "1250000.00"
    path.write_text(dump_yaml(document), encoding="utf-8")
    call_command("partnership", "load", str(path), *options, stdout=StringIO())


def test_a_load_from_the_command_line_names_the_operating_system_user(
    tmp_path: Path, partnership: Any
) -> None:
    _load(tmp_path)
    [changed] = events(Kind.CHANGED, "salford-dat")[-1:]
    assert changed.actor_name == COMMAND_LINE
    assert changed.sentence.startswith(f"{COMMAND_LINE} changed the planned contribution of NTA")


def test_a_load_as_a_named_user_names_them(tmp_path: Path, lena: Any) -> None:
    _load(tmp_path, "--as", "lena")
    [changed] = events(Kind.CHANGED, "salford-dat")[-1:]
    assert (changed.actor, changed.actor_name) == (lena, "Lena Lead (command line)")
    [loaded] = events(Kind.FILE_LOADED, "salford-dat")[-1:]
    assert (
        loaded.sentence
        == "Lena Lead (command line) loaded a partnership file: 0 created, 1 changed, 0 removed"
    )


def test_a_load_as_an_unknown_user_changes_nothing(tmp_path: Path, partnership: Any) -> None:
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        _load(tmp_path, "--as", "nobody")
    assert refused.value.returncode == 2
    assert row_counts() == before


def test_member_commands_take_as(lena: Any) -> None:
    out = StringIO()
    call_command(
        "member", "add", "ann", "--partnership", "salford-dat", "--role", "auditor", "--name", "Ann Auditor",
        "--as", "lena", stdout=out,
    )  # fmt: skip
    call_command("member", "remove", "ann", "--partnership", "salford-dat", "--role", "auditor", stdout=out)
    assert [
        e.sentence for e in events(Kind.ROLE_GRANTED) + events(Kind.ROLE_REMOVED) if "Ann" in e.sentence
    ] == [
        "Lena Lead (command line) gave Ann Auditor the role of auditor",
        f"{COMMAND_LINE} took the role of auditor away from Ann Auditor",
    ]
