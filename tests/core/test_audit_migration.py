"""Entries written before the trail had its own model are copied into it: the trail loses no history."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from concordat.core.models import AuditEntry, Kind
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_entries_in_auditlogs_own_table_are_copied_with_partnership_and_actor_name() -> None:
    user = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    content_type = ContentType.objects.get_for_model(type(user))
    executor = MigrationExecutor(connection)
    executor.migrate([("core", None)])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auditlog_logentry (content_type_id, object_pk, object_id, object_repr, action, "
            "changes_text, changes, actor_id, timestamp, additional_data) VALUES (%s, %s, %s, %s, %s, %s, %s, "
            "%s, %s, %s)",
            [
                content_type.pk,
                "7",
                7,
                "Salford Drug Action Team",
                1,
                "",
                json.dumps({"responsible_officer": ["Anne", "Jane"], "position": ["1", "2"]}),
                user.pk,
                "2004-01-15 10:00:00",
                json.dumps({"partnership": "salford-dat"}),
            ],
        )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("core", "0001_audit_entry")])
    finally:  # the old table is no model's now: the test database's flush would not empty it
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM auditlog_logentry")
    # Every app as the other tests expect it (later migrations of core, and of the apps built on them).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    user.delete()  # the old table's row named them, but held them by no key
    entry = AuditEntry.objects.exclude(kind=Kind.PASSWORD_CHANGED).get()
    assert (entry.partnership, entry.actor_name, entry.kind) == ("salford-dat", "Lena Lead", "changed")
    assert entry.actor is None
    assert entry.details == [["responsible officer", "Anne", "Jane"]]
    assert entry.timestamp.isoformat() == "2004-01-15T10:00:00+00:00"


@pytest.mark.django_db
def test_auditlogs_old_table_holds_no_foreign_keys() -> None:
    # With them, PostgreSQL refuses to TRUNCATE the users table (a test database's flush, browser tests)
    # since no model owns the old table any more.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "auditlog_logentry")
    assert not [name for name, constraint in constraints.items() if constraint["foreign_key"]]
