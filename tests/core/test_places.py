"""Place names beside area codes: "Salford (E08000006)", the code alone where the table does not know it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from concordat.core.codes import GSS
from concordat.core.places import PLACES, place, place_name, places
from concordat.demo.services import FILES


def test_a_known_code_has_its_name_beside_it() -> None:
    assert place("E08000006") == "Salford (E08000006)"
    assert places(["E08000006", "E08000009"]) == "Salford (E08000006), Trafford (E08000009)"


def test_an_unknown_code_is_shown_alone() -> None:
    assert place("E07000001") == "E07000001"  # a shire district: not in the table
    assert place("RM3") == "RM3"  # an NHS ODS code
    assert place_name("E99999999") is None


@pytest.mark.parametrize("path", sorted(FILES.glob("*.yaml")), ids=lambda path: Path(path).stem)
def test_every_area_code_of_the_demo_files_is_named(path: Path) -> None:
    document = yaml.safe_load(path.read_text())
    codes = list(document.get("area", [])) + [
        p["org_code"] for p in document.get("partners", []) if GSS.match(str(p.get("org_code", "")))
    ]
    assert codes
    assert all(place_name(code) for code in codes), codes


def test_the_table_holds_well_formed_codes_for_many_areas() -> None:
    assert len(PLACES) >= 150
    assert all(GSS.match(code) and re.fullmatch(r"[EW]0[6-9]\d{6}|E10\d{6}", code) for code in PLACES)
    assert len(set(PLACES.values())) == len(PLACES)  # no name twice: no code copied onto another's name
    assert PLACES["E06000022"] == "Bath and North East Somerset"
    assert PLACES["E09000008"] == "Croydon"


def test_pages_show_the_place_name_beside_the_code(client, lead) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    client.force_login(lead)
    overview = client.get(reverse("partnerships:overview", args=["salford-dat"])).content.decode()
    assert "Salford (E08000006)" in overview
    form = client.get(reverse("partnerships:notification-form", args=["salford-dat"])).content.decode()
    assert "Salford (E08000006)" in form
