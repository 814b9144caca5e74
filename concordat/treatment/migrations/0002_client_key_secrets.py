"""Every partnership that exists before the treatment record gets its client key secret now (new ones get it
when they are created: signals.py; keys.secret_for also makes one on first use)."""

import secrets

from django.db import migrations


def make_secrets(apps, schema_editor):  # type: ignore[no-untyped-def]
    Partnership = apps.get_model("partnerships", "Partnership")
    ClientKeySecret = apps.get_model("treatment", "ClientKeySecret")
    having = set(ClientKeySecret.objects.values_list("partnership_id", flat=True))
    ClientKeySecret.objects.bulk_create(
        ClientKeySecret(partnership_id=pk, secret=secrets.token_hex(32))
        for pk in Partnership.objects.values_list("pk", flat=True)
        if pk not in having
    )


class Migration(migrations.Migration):
    dependencies = [("treatment", "0001_treatment_record")]
    operations = [migrations.RunPython(make_secrets, migrations.RunPython.noop)]
