"""A contract's status is worked out from its dates (rules/status.py), not typed: the `status` column goes.
A variation may now end the contract early (`terminates`), which is how a contract comes to be terminated;
and a procurement may follow the Procurement Act 2023's competitive flexible procedure.

Reversed, the column comes back filled with the status worked out on the day it is reversed (an extended
contract as "active", the old vocabulary having no "extended"), so nothing reads a stale "planned"."""

from django.db import migrations, models
from django.utils import timezone


def status_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    from concordat.commissioning.rules.status import status_after_variations

    contract_model = apps.get_model("commissioning", "Contract")
    variation_model = apps.get_model("commissioning", "Variation")
    today = timezone.localdate()
    for contract in contract_model.objects.order_by("id"):
        varied = variation_model.objects.filter(contract_id=contract.pk).order_by("on", "id")
        status = status_after_variations(
            today,
            start=contract.start,
            original_end=contract.end,
            variations=[(v.end, v.terminates) for v in varied],
        )
        contract.status = "active" if status == "extended" else status
        contract.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0005_subcontract_legacy_keys_filled"),
    ]

    operations = [
        migrations.AddField(
            model_name="variation",
            name="terminates",
            field=models.BooleanField(
                default=False, help_text="Ends the contract early: its end is the contract's last day"
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, status_back),
        migrations.RemoveField(model_name="contract", name="status"),
        migrations.AlterField(  # the Procurement Act 2023's competitive flexible procedure
            model_name="procurement",
            name="process",
            field=models.CharField(
                blank=True,
                choices=[
                    ("direct-award-a", "Direct award process A"),
                    ("direct-award-b", "Direct award process B"),
                    ("direct-award-c", "Direct award process C"),
                    ("most-suitable-provider", "Most suitable provider process"),
                    ("competitive", "Competitive process"),
                    ("open", "Open procedure"),
                    ("restricted", "Restricted procedure"),
                    ("competitive-flexible", "Competitive flexible procedure"),
                ],
                max_length=32,
            ),
        ),
    ]
