"""Every subcontract and legacy contract gets a key: those recorded with their contract had none (only the
ones added on their own did), and a row is changed and removed by its key."""

from django.db import migrations


def fill_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    from concordat.partnerships.keys import new_key

    for name in ("Subcontract", "LegacyContract"):
        model = apps.get_model("commissioning", name)
        taken: dict[int, set[str]] = {}
        for contract_id, key in model.objects.exclude(key="").values_list("contract_id", "key"):
            taken.setdefault(contract_id, set()).add(key)
        for row in model.objects.filter(key="").order_by("id"):
            keys = taken.setdefault(row.contract_id, set())
            row.key = new_key(keys)
            keys.add(row.key)
            row.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0004_subcontract_legacy_key"),
    ]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
