"""Every rule of the submission file: one failing row each, with its row (the header is row 1), column and
code. Pure: the file is checked without a database."""

from __future__ import annotations

import io
from datetime import date

import pytest

from concordat.partnerships.rules.vocabulary import BUILT_IN_MODALITIES
from concordat.treatment.checking import check_file
from concordat.treatment.rules.columns import COLUMNS
from concordat.treatment.rules.dates import age_on
from concordat.treatment.rules.fields import Context, read_date
from tests.treatment.submissions import PERIOD_END, check_and_stage, csv_bytes, row

CONTEXT = Context(
    period_end=PERIOD_END,
    modalities=frozenset(BUILT_IN_MODALITIES) | {"gp-prescribing"},
    min_age=18,
    max_age=None,
    area=frozenset({"E08000006"}),
)
SECRET = b"s" * 32


def check(rows, context=CONTEXT):
    return check_file(io.BytesIO(csv_bytes(rows)), context=context, secret=SECRET)


def errors(rows):
    return [(p.row, p.column, p.code) for p in check(rows).report.errors]


def warnings(rows):
    return [(p.row, p.column, p.code) for p in check(rows).report.warnings]


def test_the_valid_row_is_accepted_without_warnings():
    checked = check([row(), row(modality="psychosocial", modality_start_date="")])
    assert checked.report.accepted and not checked.report.warnings
    assert (checked.clients, checked.episodes, checked.modalities) == (1, 1, 2)


# One row, one value wrong: (column, value, the code reported at row 2 in that column).
FIELD_RULES = [
    ("client_ref", "", "required"),
    ("client_ref", "has space", "invalid-ref"),
    ("client_ref", "x" * 33, "invalid-ref"),
    ("initials", "", "required"),
    ("initials", "A", "invalid-initials"),
    ("initials", "A1", "invalid-initials"),
    ("initials", "ÉA", "invalid-initials"),
    ("date_of_birth", "", "required"),
    ("date_of_birth", "06/05/1970", "invalid-date"),
    ("date_of_birth", "1970-02-30", "invalid-date"),
    ("date_of_birth", "19700506", "invalid-date"),
    ("sex", "", "required"),
    ("sex", "Q", "invalid-choice"),
    ("la_of_residence", "", "required"),
    ("la_of_residence", "E0800000", "invalid-gss-code"),
    ("la_of_residence", "Z08000006", "invalid-gss-code"),
    ("episode_ref", "", "required"),
    ("episode_ref", "a/b", "invalid-ref"),
    ("referral_date", "", "required"),
    ("referral_date", "2004-13-01", "invalid-date"),
    ("referral_source", "", "required"),
    ("referral_source", "doctor", "invalid-choice"),
    ("primary_substance", "", "required"),
    ("primary_substance", "heroin", "invalid-choice"),
    ("triage_date", "soon", "invalid-date"),
    ("modality", "yoga", "unknown-modality"),
    ("modality_referral_date", "", "required"),
    ("modality_start_date", "2004-6-20", "invalid-date"),
    ("modality_end_date", "x", "invalid-date"),
    ("discharge_date", "2004-09-31", "invalid-date"),
]


@pytest.mark.parametrize(("column", "value", "code"), FIELD_RULES)
def test_a_wrong_value_is_an_error_at_its_row_and_column(column, value, code):
    assert (2, column, code) in errors([row(**{column: value})])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # dates of one row against each other
        ({"triage_date": "2004-05-31"}, (2, "triage_date", "triage-before-referral")),
        (
            {"modality_referral_date": "2004-05-01", "triage_date": ""},
            (2, "modality_referral_date", "modality-referral-before-referral"),
        ),
        ({"modality_start_date": "2004-06-02"}, (2, "modality_start_date", "start-before-modality-referral")),
        ({"modality_end_date": "2004-06-19"}, (2, "modality_end_date", "end-before-start")),
        (
            {"modality_start_date": "", "modality_end_date": "2004-07-01"},
            (2, "modality_end_date", "end-without-start"),
        ),
        (
            {"discharge_date": "2004-06-10", "discharge_reason": "dropped-out"},
            (2, "discharge_date", "discharge-before-episode-date"),
        ),
        # paired values
        ({"discharge_date": "2004-09-01"}, (2, "discharge_reason", "required")),
        ({"discharge_reason": "died"}, (2, "discharge_reason", "discharge-reason-without-date")),
        (
            {"discharge_date": "2004-09-01", "discharge_reason": "cured"},
            (2, "discharge_reason", "invalid-choice"),
        ),
        (
            {"modality": "", "modality_referral_date": "2004-06-03", "modality_start_date": ""},
            (2, "modality_referral_date", "modality-date-without-modality"),
        ),
        # the period end
        ({"modality_start_date": "2005-04-01"}, (2, "modality_start_date", "after-period-end")),
        (
            {
                "referral_date": "2005-04-01",
                "triage_date": "",
                "modality": "",
                "modality_referral_date": "",
                "modality_start_date": "",
            },
            (2, "referral_date", "after-period-end"),
        ),
        # the age at referral: 0 to 110
        ({"date_of_birth": "1890-01-01"}, (2, "date_of_birth", "age-out-of-range")),
        ({"date_of_birth": "2004-07-01"}, (2, "date_of_birth", "age-out-of-range")),
    ],
)
def test_a_rule_between_values_is_an_error_where_it_breaks(values, expected):
    assert expected in errors([row(**values)])


def test_the_same_client_ref_must_be_the_same_person_on_every_row():
    rows = [row(), row(episode_ref="OTHER"), row(episode_ref="THIRD", sex="F", initials="QY")]
    assert errors(rows) == [(4, "initials", "client-differs"), (4, "sex", "client-differs")]


def test_an_episode_belongs_to_one_client():
    rows = [row(), row(client_ref="SOMEONE-ELSE", date_of_birth="1981-01-01")]
    assert errors(rows) == [(3, "episode_ref", "episode-client-differs")]


def test_the_discharge_is_the_same_on_every_row_of_the_episode():
    done = {
        "modality_end_date": "2004-08-01",
        "discharge_date": "2004-09-01",
        "discharge_reason": "dropped-out",
    }
    rows = [
        row(**done),
        row(**{**done, "discharge_date": "2004-09-02"}),
        row(**{**done, "discharge_reason": "died"}),
    ]
    assert errors(rows) == [
        (3, "discharge_date", "discharge-differs"),
        (4, "discharge_reason", "discharge-differs"),
    ]


def test_the_episode_values_are_the_same_on_every_row_of_the_episode():
    rows = [row(), row(modality="psychosocial", referral_source="self")]
    assert errors(rows) == [(3, "referral_source", "episode-differs")]


def test_every_error_is_reported_not_the_first():
    rows = [row(sex="Q"), row(), row(client_ref="", referral_source="doctor")]
    assert errors(rows) == [
        (2, "sex", "invalid-choice"),
        (4, "client_ref", "required"),
        (4, "referral_source", "invalid-choice"),
    ]


def test_lower_case_initials_are_accepted_and_upper_cased():
    checked, (clients, _, _) = check_and_stage(csv_bytes([row(initials="qz")]), CONTEXT, SECRET)
    assert checked.report.accepted
    assert "\tQZ\t" in clients


def test_surrounding_spaces_are_dropped_with_a_warning_at_each_value_trimmed():
    checked = check([row(sex=" M ", modality="pharmacological ")])
    assert checked.report.accepted
    assert warnings([row(sex=" M ", modality="pharmacological ")]) == [
        (2, "sex", "trimmed"),
        (2, "modality", "trimmed"),
    ]


# Surrounding spaces are what str.strip() drops: a non-breaking space (a spreadsheet's padding) as well.
SPACES = [" ", "\t", "\u00a0", "\u2003", " \u00a0\t", "\n"]


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("column", COLUMNS)
def test_a_value_with_surrounding_space_is_read_trimmed_with_a_warning_at_its_row_and_column(
    column: str, space: str
) -> None:
    plain = row()
    value = plain[column]
    checked = check([plain, row(**{column: f"{space}{value}{space[::-1]}"})])
    assert checked.report.accepted, checked.report.errors
    assert [(w.row, w.column, w.code) for w in checked.report.warnings] == [(3, column, "trimmed")]
    assert checked.modalities == 2


@pytest.mark.parametrize("beside", [{}, {"referral_source": "gp "}, {"client_ref": "CLIENT-ALPHA-1\t"}])
def test_a_value_is_trimmed_the_same_whatever_the_other_values_of_its_row(beside: dict[str, str]) -> None:
    # `M` and a non-breaking space was refused alone and accepted beside a value with a plain space.
    checked, (clients, _, _) = check_and_stage(csv_bytes([row(sex="M\u00a0", **beside)]), CONTEXT, SECRET)
    assert checked.report.accepted
    assert ("sex", "trimmed") in [(w.column, w.code) for w in checked.report.warnings]
    assert len(checked.report.warnings) == 1 + len(beside)
    assert "\tM\t" in clients


def test_messages_quote_vocabulary_words_but_nothing_about_a_person():
    report = check([row(client_ref="bad ref!", date_of_birth="1970/05/06", sex="Q", modality="yoga")]).report
    text = " ".join(p.message for p in report.errors)
    assert "bad ref!" not in text and "1970/05/06" not in text
    assert "'Q'" in text and "'yoga'" in text


# --- warnings: reported, not refused -------------------------------------------------------------------


def test_a_client_younger_than_the_eligible_age_is_a_warning():
    assert warnings([row(date_of_birth="1988-01-01")]) == [(2, "date_of_birth", "outside-eligible-age")]


def test_a_client_living_outside_the_area_is_a_warning_when_residence_is_required():
    assert warnings([row(la_of_residence="E09000001")]) == [(2, "la_of_residence", "outside-area")]
    anywhere = Context(period_end=PERIOD_END, modalities=CONTEXT.modalities)
    assert check([row(la_of_residence="E09000001")], anywhere).report.warnings == []


def test_a_wait_over_a_year_is_a_warning():
    assert warnings(
        [
            row(
                referral_date="2003-01-02",
                triage_date="2003-01-03",
                modality_referral_date="2003-01-03",
                modality_start_date="2004-01-04",
            )
        ]
    ) == [(2, "modality_start_date", "long-wait")]
    assert warnings(
        [row(referral_date="2003-01-02", triage_date="2004-01-03", modality_referral_date="2004-01-03")]
    ) == [(2, "triage_date", "long-wait")]


def test_still_waiting_over_a_year_at_the_period_end_is_a_warning():
    waiting = row(
        referral_date="2004-01-02",
        triage_date="",
        modality_referral_date="2004-01-03",
        modality_start_date="",
    )
    assert warnings([waiting]) == [(2, "modality_referral_date", "long-wait")]


def test_warnings_do_not_stop_a_file():
    assert check([row(la_of_residence="E09000001", date_of_birth="1990-01-01")]).report.accepted


# --- the file's form -----------------------------------------------------------------------------------


def test_a_byte_order_mark_is_a_warning_and_crlf_line_ends_are_read():
    data = b"\xef\xbb\xbf" + csv_bytes([row()], newline="\r\n")
    checked = check_file(io.BytesIO(data), context=CONTEXT, secret=SECRET)
    assert checked.report.accepted
    assert [(w.row, w.code) for w in checked.report.warnings] == [(1, "byte-order-mark")]


def test_a_file_in_another_encoding_is_refused_at_the_row_and_column_with_what_to_do():
    data = csv_bytes([row(), row()]).decode().replace("QZ", "QZ", 1)
    latin = data.encode("utf-8").replace(b"opiates", b"opi\xe9tes")
    report = check_file(io.BytesIO(latin), context=CONTEXT, secret=SECRET).report
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "primary_substance", "encoding"),
        (3, "primary_substance", "encoding"),
    ]
    assert "CSV UTF-8" in report.errors[0].message


def test_a_missing_column_is_an_error_at_the_header():
    columns = tuple(c for c in csv_bytes([row()]).decode().splitlines()[0].split(",") if c != "triage_date")
    report = check_file(
        io.BytesIO(csv_bytes([row()], columns=columns)), context=CONTEXT, secret=SECRET
    ).report
    assert [(e.row, e.column, e.code) for e in report.errors] == [(1, "triage_date", "missing-column")]


def test_a_short_row_is_an_error_at_its_row():
    data = csv_bytes([row()]) + b"C9,QZ,1970-01-01\n"
    report = check_file(io.BytesIO(data), context=CONTEXT, secret=SECRET).report
    assert [(e.row, e.code) for e in report.errors] == [(3, "wrong-number-of-values")]
    assert report.rows == 2


def test_a_row_of_the_wrong_form_is_an_error_of_that_row_and_every_later_row_is_still_checked():
    good = csv_bytes([row()]).decode().splitlines()[1]
    lines = [
        "C9,QZ,1970-01-01",  # short
        f"{good},extra",  # long
        good.replace("QZ", '"Q"Z', 1),  # a quote the csv reader refuses
        good.replace(",M,", ",?,", 1),
    ]
    data = csv_bytes([row()]) + "".join(f"{line}\n" for line in lines).encode()
    checked = check_file(io.BytesIO(data), context=CONTEXT, secret=SECRET)
    assert [(e.row, e.column, e.code) for e in checked.report.errors] == [
        (3, "", "wrong-number-of-values"),
        (4, "", "wrong-number-of-values"),
        (5, "", "unreadable-row"),
        (6, "sex", "invalid-choice"),
    ]
    assert checked.report.rows == 5 and checked.size == len(data)


def test_a_value_over_the_field_limit_is_an_error_at_its_row_and_column_and_later_rows_are_checked():
    from concordat.core.csvfile import FIELD_LIMIT

    rows = [row(), row(referral_source="x" * (FIELD_LIMIT + 1)), row(), row(sex="?")]
    assert [(e.row, e.column, e.code) for e in check(rows).report.errors] == [
        (3, "referral_source", "too-long"),
        (5, "sex", "invalid-choice"),
    ]


def test_the_file_digest_and_size_are_of_the_bytes_as_sent():
    import hashlib

    data = csv_bytes([row()])
    checked = check_file(io.BytesIO(data), context=CONTEXT, secret=SECRET)
    assert (checked.sha256, checked.size) == (hashlib.sha256(data).hexdigest(), len(data))


# --- pure helpers -------------------------------------------------------------------------------------


def test_age_counts_whole_years_and_a_leap_day_birthday_comes_on_1_march():
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 2, 29), date(2018, 3, 1)) == 18
    assert age_on(date(2000, 5, 6), date(2000, 5, 5)) == -1


def test_only_dates_written_yyyy_mm_dd_are_dates():
    assert read_date("2004-02-29") == date(2004, 2, 29)
    assert read_date("2005-02-29") is None
    assert read_date("20040229") is None
    assert read_date("2004-W01-1") is None
    assert read_date("２００４-01-01") is None
