"""The database itself keeps the ledger append-only and balanced, whatever writes to it.

- Posted transactions and legs cannot be UPDATEd, on SQLite and PostgreSQL (BEFORE triggers that raise).
- They cannot be DELETEd while their partnership exists. The partnership's own row cannot go while it has
  a ledger (its foreign keys refuse it, and Django's PROTECT before that), so a ledger disappears only with
  a deliberate removal of the whole partnership in one transaction (as the test harness's flush does) —
  never one posting at a time.
- On PostgreSQL a transaction whose legs do not sum to zero, or that has fewer than two, cannot commit:
  DEFERRABLE INITIALLY DEFERRED constraint triggers on both tables check each transaction at COMMIT (as
  django-hordak does), so the legs may be inserted one by one inside it. On SQLite, which has no deferred
  triggers, the posting service checks it (services/postings.py, _check_balanced) and `concordat pool verify` re-checks.
"""

from django.db import migrations

SQLITE = [
    f"""CREATE TRIGGER pool_{table}_no_update BEFORE UPDATE ON pool_{table}
    BEGIN SELECT RAISE(ABORT, 'pool: a posted {table} cannot be changed; post a reversal'); END"""
    for table in ("transaction", "leg")
] + [
    f"""CREATE TRIGGER pool_{table}_no_delete BEFORE DELETE ON pool_{table}
    WHEN EXISTS (SELECT 1 FROM partnerships_partnership WHERE id = OLD.partnership_id)
    BEGIN SELECT RAISE(ABORT, 'pool: a posted {table} cannot be deleted; post a reversal'); END"""
    for table in ("transaction", "leg")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS pool_{table}_no_{what}"
    for table in ("transaction", "leg")
    for what in ("update", "delete")
]

POSTGRESQL = (
    [
        """CREATE FUNCTION pool_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND NOT EXISTS (
            SELECT 1 FROM partnerships_partnership WHERE id = OLD.partnership_id
        ) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'pool: a posted % cannot be %; post a reversal', substr(TG_TABLE_NAME, 6),
            CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END
            USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
        """CREATE FUNCTION pool_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        posting bigint;
        total numeric;
        legs integer;
    BEGIN
        IF TG_TABLE_NAME = 'pool_transaction' THEN
            posting := NEW.id;
        ELSE
            posting := NEW.transaction_id;
        END IF;
        SELECT COALESCE(SUM(amount_pence), 0), COUNT(*) INTO total, legs FROM pool_leg WHERE transaction_id = posting;
        IF total <> 0 OR legs < 2 THEN
            RAISE EXCEPTION 'pool: transaction % does not balance: % legs summing to % pence', posting, legs, total
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END $$""",
    ]
    + [
        f"""CREATE TRIGGER pool_{table}_append_only BEFORE UPDATE OR DELETE ON pool_{table}
    FOR EACH ROW EXECUTE FUNCTION pool_refuse_change()"""
        for table in ("transaction", "leg")
    ]
    + [
        f"""CREATE CONSTRAINT TRIGGER pool_{table}_balanced AFTER INSERT ON pool_{table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pool_check_balanced()"""
        for table in ("transaction", "leg")
    ]
)
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS pool_{table}_{what} ON pool_{table}"
    for table in ("transaction", "leg")
    for what in ("append_only", "balanced")
] + ["DROP FUNCTION IF EXISTS pool_refuse_change()", "DROP FUNCTION IF EXISTS pool_check_balanced()"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)  # None: no placeholders, "%" is plpgsql's

    return run


class Migration(migrations.Migration):
    dependencies = [("pool", "0001_ledger")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
