"""`concordat kpi`: the spec's object for one partnership or all, JSON, CSV or text, and bad arguments."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concordat.treatment.extract import extract
from tests.factories import load_partnership
from tests.performance import model
from tests.treatment.conftest import submit
from tests.treatment.submissions import PERIOD_END, a_file, row

pytestmark = pytest.mark.django_db
YEAR = ("--from", "2004-04-01", "--to", "2005-03-31")


def run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("kpi", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def setting_of(partnership):
    from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES

    modalities = {code: s for code, (_, _, s) in BUILT_IN_MODALITIES.items()}
    modalities |= dict(partnership.modalities.values_list("code", "structured"))
    return {
        "slug": partnership.slug,
        "providers": list(partnership.providers.values_list("code", flat=True)),
        "modalities": modalities,
        "targets": partnership.targets,
    }


@pytest.fixture
def record(partnership):
    submit(partnership, a_file(6))  # six people (and one of them completes)
    submit(partnership, [row(client_ref="X", episode_ref="X1", date_of_birth="1980-01-02")], provider="P2")
    return partnership


def test_the_json_is_the_spec_object_the_model_computes_from_the_record(record):
    status, out = run("--partnership", "salford-dat", *YEAR, "--json")
    assert status == 0
    rows = extract([record.pk]).table.to_pylist()
    expected = model.kpi_object(rows, setting_of(record), date(2004, 4, 1), date(2005, 3, 31), PERIOD_END)
    assert json.loads(out) == expected
    assert (expected["in_treatment"], expected["as_of"]) == (7, "2005-03-31")


def test_published_and_as_of_are_applied(record):
    _, out = run("--partnership", "salford-dat", *YEAR, "--as-of", "2006-01-31", "--published", "--json")
    obj = json.loads(out)
    rows = extract([record.pk]).table.to_pylist()
    assert obj == model.kpi_object(
        rows, setting_of(record), date(2004, 4, 1), date(2005, 3, 31), date(2006, 1, 31), published=True
    )
    assert (obj["in_treatment"], obj["accessing_services"]) == (5, 5)  # 7 rounded
    assert obj["successful_completions"]["completed"] == 0  # the one completion was followed by a return


def test_as_of_is_today_without_an_accepted_submission(partnership, fixed_today):
    fixed_today(date(2004, 2, 1))
    _, out = run("--partnership", "salford-dat", *YEAR, "--json")
    assert json.loads(out)["as_of"] == "2004-02-01"


def test_all_partnerships_in_slug_order_each_as_its_own_command_prints(record):
    other = load_partnership(slug="another-dat", name="Another")
    submit(other, [row()], provider="P1", period_end=date(2005, 6, 30))
    _, out = run("--all-partnerships", *YEAR, "--json")
    obj = json.loads(out)
    assert list(obj) == ["from", "to", "partnerships"] and (obj["from"], obj["to"]) == (
        "2004-04-01",
        "2005-03-31",
    )
    assert [p["partnership"] for p in obj["partnerships"]] == ["another-dat", "salford-dat"]
    for each in obj["partnerships"]:
        assert each == json.loads(run("--partnership", each["partnership"], *YEAR, "--json")[1])
    assert obj["partnerships"][0]["as_of"] == "2005-06-30"
    _, given = run("--all-partnerships", *YEAR, "--as-of", "2005-12-31", "--json")
    assert {p["as_of"] for p in json.loads(given)["partnerships"]} == {"2005-12-31"}


def test_csv_has_a_row_per_scalar_of_the_object_in_its_order(record):
    _, out = run("--partnership", "salford-dat", *YEAR, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["partnership", "from", "to", "as_of", "kpi", "value"]
    kpis = [r[4] for r in rows[1:]]
    assert kpis[:3] == ["in_treatment", "accessing_services", "new_starts"]
    assert "waiting.pharmacological.mean_days" in kpis and "retention_12wk.pct" in kpis
    assert kpis[-2:] == ["baseline_growth_pct", "accessing_target_pct"]
    values = {r[4]: r[5] for r in rows[1:]}
    assert values["waiting.advice.mean_days"] == "" and values["successful_completions.provisional"] == "true"
    assert values["baseline_growth_pct"] == "'-98.8"  # a leading minus is a formula to a spreadsheet
    assert {r[0] for r in rows[1:]} == {"salford-dat"}


def test_plain_text_is_a_readable_table(record):
    status, out = run("--partnership", "salford-dat", *YEAR)
    assert status == 0 and "In treatment" in out and "pharmacological" in out and "{" not in out


@pytest.mark.parametrize(
    ("args", "path", "code"),
    [
        (("--partnership", "nobody", *YEAR), "--partnership", "unknown-partnership"),
        (
            ("--partnership", "salford-dat", "--from", "2004-13-01", "--to", "2005-03-31"),
            "--from",
            "bad-date",
        ),
        (("--partnership", "salford-dat", "--from", "2004-04-01", "--to", "31/03/2005"), "--to", "bad-date"),
        (("--partnership", "salford-dat", *YEAR, "--as-of", "2005-02-30"), "--as-of", "bad-date"),
        (
            ("--partnership", "salford-dat", "--from", "2005-04-01", "--to", "2005-03-31"),
            "--from",
            "from-after-to",
        ),
        (
            ("--partnership", "salford-dat", "--all-partnerships", *YEAR),
            "--partnership",
            "partnership-and-all",
        ),
        ((*YEAR,), "--partnership", "no-partnership"),
        (("--partnership", "salford-dat", "--to", "2005-03-31"), "--from", "missing-option"),
    ],
)
def test_bad_arguments_exit_2_with_the_error_json_naming_the_option(partnership, args, path, code):
    status, out = run(*args, "--json")
    assert status == 2
    report = json.loads(out)
    assert report["valid"] is False and report["warnings"] == []
    assert (report["errors"][0]["path"], report["errors"][0]["code"]) == (path, code)


def test_bad_arguments_without_json_print_nothing_on_stdout(partnership):
    out = StringIO()
    with pytest.raises(CommandError, match="--from") as raised:
        call_command("kpi", "--partnership", "salford-dat", "--from", "x", "--to", "2005-03-31", stdout=out)
    assert raised.value.returncode == 2 and out.getvalue() == ""
