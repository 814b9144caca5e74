"""The open contracting data export: a release package valid against OCDS 1.1.5's schema (checked offline,
the schema's own $refs resolved from tests/data), with the procurement, award, contract, amendments and
the pool's payments as transactions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from referencing import Registry, Resource

from concordat.commissioning import ocds, services
from concordat.pool.services import payment_post, reversal_post

from .conftest import walk

SCHEMAS = Path(__file__).parent.parent / "data" / "ocds-1.1.5"
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def validate(package: dict[str, Any]) -> None:
    release = json.loads((SCHEMAS / "release-schema.json").read_text())
    registry = Registry().with_resource(RELEASE_URL, Resource.from_contents(release))
    schema = json.loads((SCHEMAS / "release-package-schema.json").read_text())
    validator = jsonschema.Draft4Validator(schema, registry=registry)
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    assert not errors, [(list(e.absolute_path), e.message) for e in errors[:5]]


def test_the_validator_refuses_a_broken_package() -> None:
    with pytest.raises(AssertionError):
        validate(
            {"uri": "x", "version": "1.1", "publisher": {"name": "x"}, "publishedDate": "x", "releases": [{}]}
        )


def test_a_partnership_with_nothing_commissioned_publishes_its_budget(partnership: Any) -> None:
    package = ocds.release_package(partnership)
    validate(package)
    assert [r["tag"] for r in package["releases"]] == [["planning"]]


def test_a_procurement_at_each_stage_is_a_valid_release(procurement: Any, lead: Any) -> None:
    validate(ocds.release_package(procurement.partnership))
    walk(procurement, lead, "notice-published")
    validate(ocds.release_package(procurement.partnership))


def test_a_signed_contract_with_a_variation_and_payments(procurement: Any, lead: Any, settings: Any) -> None:
    settings.OCDS_PREFIX = "ocds-abc123"
    walk(procurement, lead, "contract-signed")
    contract = procurement.contracts.get()
    services.contract_vary(
        contract=contract,
        values={"date": "2025-06-01", "reason": "Uplift", "annual_value": "3000000.00"},
        user=lead,
    )
    pay = {
        "partnership": procurement.partnership,
        "contract": "contract:main-contract",
        "purpose": "treatment",
    }
    payment_post(ref="PAY-1", date=date(2024, 4, 30), amount_pence=24_869_667, **pay)
    # A payment made in error and reversed is no transaction of the contract's.
    payment_post(ref="PAY-2", date=date(2024, 5, 31), amount_pence=500_00, **pay)
    reversal_post(partnership=procurement.partnership, ref="REV-2", date=date(2024, 6, 1), reverses="PAY-2")
    package = ocds.release_package(procurement.partnership)
    validate(package)
    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-abc123-{procurement.partnership.slug}-idats-2024"
    assert release["tag"] == ["planning", "tender", "award", "contract", "implementation"]
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["procurementMethodDetails"] == "Competitive process"
    (awarded,) = release["contracts"]
    assert awarded["value"] == {"amount": 20890520.0, "currency": "GBP"}
    assert awarded["amendments"][0]["rationale"] == "Uplift"
    (paid,) = awarded["implementation"]["transactions"]
    assert paid["value"]["amount"] == 248696.67


def test_a_contract_without_a_procurement_is_its_own_release(partnership: Any, lead: Any) -> None:
    from .conftest import contract_values

    services.contract_create(partnership=partnership, values=contract_values(), user=lead)
    package = ocds.release_package(partnership)
    validate(package)
    assert package["releases"][0]["contracts"][0]["awardID"] == package["releases"][0]["awards"][0]["id"]


def test_the_command_writes_the_package_to_a_file(procurement: Any, lead: Any, tmp_path: Path) -> None:
    walk(procurement, lead, "evaluated")
    out = tmp_path / "ocds.json"
    call_command("contracts", "export-ocds", "--partnership", procurement.partnership.slug, "--out", str(out))
    validate(json.loads(out.read_text()))


def test_the_command_refuses_an_unknown_partnership_with_exit_2(db: None) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("contracts", "export-ocds", "--partnership", "nowhere")
    assert caught.value.returncode == 2


def test_the_web_and_the_api_give_the_commands_package_and_log_each_export(
    client: Any, procurement: Any, lead: Any
) -> None:
    from concordat.core.models import AuditEntry, Kind
    from concordat.core.roles import Role
    from tests.factories import member

    walk(procurement, lead, "evaluated")
    partnership = procurement.partnership
    client.force_login(lead)
    before = AuditEntry.objects.filter(kind=Kind.FILE_EXPORTED).count()
    page = client.get(f"/partnerships/{partnership.slug}/procurements/").content.decode()
    assert f'href="/partnerships/{partnership.slug}/ocds.json"' in page
    download = client.get(f"/partnerships/{partnership.slug}/ocds.json")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    package = json.loads(download.content)
    validate(package)
    api = client.get(f"/api/v1/partnerships/{partnership.slug}/ocds")
    assert api.status_code == 200 and api.json()["releases"] == package["releases"]
    assert AuditEntry.objects.filter(kind=Kind.FILE_EXPORTED).count() == before + 2
    client.force_login(member(partnership, Role.PROVIDER_DATA_OFFICER, username="pdo", provider="P1"))
    assert client.get(f"/partnerships/{partnership.slug}/ocds.json").status_code in (403, 404)
    assert client.get(f"/api/v1/partnerships/{partnership.slug}/ocds").status_code in (403, 404)
