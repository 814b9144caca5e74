"""The Section 31 notification form (its 13 sections, as a page and as a PDF) and the agreement as YAML."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
import yaml
from django.urls import reverse

from concordat.core.models import AuditEntry as LogEntry
from concordat.core.roles import Role
from concordat.partnerships import services
from concordat.partnerships.rules import vocabulary as words
from tests.factories import CONTRIBUTIONS_SUM, DIFFERENCE, STATED_TOTAL, load_partnership, member

SECTION_TITLES = [
    "1. Names of the statutory partners",
    "2. Date of agreement",
    "3. Date when partnership is intended to start",
    "4. Name of officer responsible for partnership",
    "5. Which flexibilities are being used?",
    "6. What are the intended aims, outcomes and targets set by the partnership?",
    "7. How will the partnership lead to improvement in services",
    "8. Who has been consulted, and how has this been done?",
    "9. How are the local authority functions going to contribute to a health outcome",
    "10. How does this promote existing local joint working?",
    "11. Who will be the service users?",
    "12. In financial terms, how much resource is to be committed to the partnership by each partner?",
    "13. Are the signatories, following consultation, satisfied that arrangements for the following are robust?",
]


def form_page(client: Any, user: Any, slug: str = "salford-dat") -> Any:
    client.force_login(user)
    return client.get(reverse("partnerships:notification-form", args=[slug]))


def section(html: str, number: int) -> str:
    """The HTML of one numbered section of the form."""
    match = re.search(rf'<section[^>]*aria-labelledby="item-{number}">(.*?)</section>', html, re.S)
    assert match, f"no section {number}"
    return match.group(1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def representative(partnership: Any) -> Any:
    return member(partnership, Role.PARTNER_REPRESENTATIVE, username="representative")


def test_the_form_has_all_thirteen_sections_in_order(client: Any, representative: Any) -> None:
    html = form_page(client, representative).content.decode()
    positions = [html.index(title) for title in SECTION_TITLES]
    assert positions == sorted(positions)


def test_section_1_names_the_partners_with_their_addresses(client: Any, representative: Any) -> None:
    part = text_of(section(form_page(client, representative).content.decode(), 1))
    assert "Salford City Council" in part
    assert "Salford Civic Centre, Chorley Road, Swinton" in part
    assert "Greater Manchester Police, Salford Division" in part


def test_sections_2_to_5_show_dates_officer_and_flexibilities(client: Any, representative: Any) -> None:
    html = form_page(client, representative).content.decode()
    assert "1 March 2002" in section(html, 2)
    assert "1 April 2003" in section(html, 3)
    assert "Anne Williams, Chair of the Salford Drug Action Team" in section(html, 4)
    flexibilities = text_of(section(html, 5))
    assert "Pooled fund" in flexibilities
    assert "Lead commissioning" in flexibilities


def test_missing_values_print_not_recorded(client: Any, db: None) -> None:
    partnership = load_partnership(agreement_date=None, responsible_officer=None)
    user = member(partnership, Role.LEAD_COMMISSIONER, username="lead")
    html = form_page(client, user).content.decode()
    assert "Not recorded" in section(html, 2)
    assert "Not recorded" in section(html, 4)
    assert "Not recorded" in section(html, 7)  # no improvements in the file


def test_section_6_lists_targets_with_due_dates_and_status(client: Any, representative: Any) -> None:
    part = text_of(section(form_page(client, representative).content.decode(), 6))
    assert "Consolidate a DAT Joint Commissioning Group with wide representation" in part
    assert "31 March 2003" in part
    assert "Met" in part


def test_narrative_sections_show_the_agreements_words(client: Any, db: None) -> None:
    partnership = load_partnership(
        improvements=["Improved quality of life for service users."],
        consultation=[{"who": "service-users", "how": "Focus groups identified through existing services"}],
        staff_movement="No staff movement is anticipated",
        health_outcomes=["By ensuring that health issues are addressed by all service providers."],
        joint_working=["Drug action ownership of resources within an agreed framework."],
        eligibility={"min_age": 18, "residence_in_area": True, "description": "Adults with drug problems."},
    )
    html = form_page(client, member(partnership, Role.BOARD_MEMBER, username="board")).content.decode()
    assert "Improved quality of life for service users." in section(html, 7)
    assert "Focus groups identified through existing services" in section(html, 8)
    assert "Service users" in section(html, 8)
    assert "No staff movement is anticipated" in section(html, 8)
    assert "By ensuring that health issues are addressed by all service providers." in section(html, 9)
    assert "Drug action ownership of resources within an agreed framework." in section(html, 10)
    users = text_of(section(html, 11))
    assert "Drugs" in users
    assert "18 or over" in users
    assert "E08000006" in users
    assert "Adults with drug problems." in users


def test_section_12_shows_the_stated_total_the_sum_and_the_difference(
    client: Any, representative: Any
) -> None:
    part = text_of(section(form_page(client, representative).content.decode(), 12))
    assert "£1,200,000.00" in part
    assert "£597,500.00" in part
    assert "£204,000.00" in part
    assert STATED_TOTAL in part  # £2,150,000.00
    assert CONTRIBUTIONS_SUM in part  # £2,001,500.00
    assert DIFFERENCE in part  # £148,500.00
    assert "2003-04" in part


def test_section_12_shows_no_difference_when_the_stated_total_adds_up(client: Any, db: None) -> None:
    partnership = load_partnership(stated_totals=[{"year": "2003-04", "amount": "2001500.00"}])
    part = text_of(
        section(form_page(client, member(partnership, Role.AUDITOR, username="a")).content.decode(), 12)
    )
    assert CONTRIBUTIONS_SUM in part
    assert "Difference" not in part
    assert STATED_TOTAL not in part


def test_section_12_totals_each_partner(client: Any, representative: Any) -> None:
    part = text_of(section(form_page(client, representative).content.decode(), 12))
    assert "Total from Salford Primary Care Trust" in part
    assert "£1,797,500.00" in part  # 1,200,000 + 597,500 from the PCT's two streams


def test_section_13_lists_all_ten_items_in_order_and_absent_ones_as_open(
    client: Any, representative: Any
) -> None:
    part = section(form_page(client, representative).content.decode(), 13)
    positions = [part.index(label) for label in words.GOVERNANCE_ITEMS.values()]
    assert positions == sorted(positions)
    # The factory's agreement confirms three items and does not mention the other seven.
    assert part.count(">Confirmed<") == 3
    assert part.count(">Open<") == 7
    assert "Draft partnership agreement" in part


def test_section_13_shows_sign_off(client: Any, db: None) -> None:
    partnership = load_partnership(
        governance=[
            {
                "item": "review",
                "status": "confirmed",
                "evidence": "Annual review each March",
                "signed_off_by": "Anne Williams",
                "signed_off_on": "2003-03-14",
            }
        ]
    )
    part = text_of(
        section(form_page(client, member(partnership, Role.AUDITOR, username="a")).content.decode(), 13)
    )
    assert "Anne Williams" in part
    assert "14 March 2003" in part


def test_the_form_is_not_found_for_a_non_member(client: Any, outsider: Any, partnership: Any) -> None:
    assert form_page(client, outsider).status_code == 404
    assert client.get(reverse("partnerships:notification-form-pdf", args=["salford-dat"])).status_code == 404


def test_the_pdf_is_a_download_of_the_same_form(client: Any, representative: Any) -> None:
    client.force_login(representative)
    response = client.get(reverse("partnerships:notification-form-pdf", args=["salford-dat"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="salford-dat-notification-form.pdf"'
    assert response.content.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", pdf_text(response.content))
    for title in SECTION_TITLES:
        assert title in text
    assert DIFFERENCE in text


# --- the partnership file ---------------------------------------------------------------------------------


def test_the_yaml_export_loads_back_without_changes(client: Any, lead: Any) -> None:
    client.force_login(lead)
    response = client.get(reverse("partnerships:export-yaml", args=["salford-dat"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="salford-dat.yaml"'
    document = yaml.safe_load(response.content)
    assert document["slug"] == "salford-dat"
    outcome = services.partnership_load(document=document)
    assert outcome.report.valid
    assert not outcome.changes.any


def test_the_yaml_export_is_for_lead_commissioners_and_auditors(
    client: Any, partnership: Any, auditor: Any, pool_manager: Any
) -> None:
    url = reverse("partnerships:export-yaml", args=["salford-dat"])
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    client.force_login(pool_manager)
    assert client.get(url).status_code == 403


def test_the_yaml_export_is_recorded_in_the_audit_trail(client: Any, lead: Any) -> None:
    client.force_login(lead)
    client.get(reverse("partnerships:export-yaml", args=["salford-dat"]))
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__partnership="salford-dat")
    assert [entry.actor for entry in read] == [lead]
