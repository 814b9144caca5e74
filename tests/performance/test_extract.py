"""The treatment record as Arrow for the KPI engine (treatment/extract.py): typed, pseudonymous, one row
per modality row, and as Parquet partitioned by partnership."""

from __future__ import annotations

from datetime import date

import pyarrow.parquet as pq
import pytest

from concordat.treatment.extract import SCHEMA, extract, extract_batches, extract_to_parquet
from concordat.treatment.selectors import record_version
from tests.factories import load_partnership
from tests.treatment.conftest import submit
from tests.treatment.submissions import DOB, a_file, row

pytestmark = pytest.mark.django_db


def test_the_extract_has_one_row_per_modality_and_one_per_episode_without_any(partnership):
    submit(partnership, a_file(2))
    submit(partnership, [row(client_ref="THEIRS", episode_ref="T1")], provider="P2")
    got = extract([partnership.pk])
    table = got.table
    assert table.schema == SCHEMA
    assert table.num_rows == 5 + 2 + 1  # a_file(2): 5 modality rows and 2 episodes with none; P2: 1
    assert table.column("modality").null_count == 2
    assert sorted(set(table.column("provider").to_pylist())) == ["P1", "P2"]
    assert got.versions == {partnership.pk: record_version(partnership.pk)}


def test_the_extract_holds_no_identifying_value(partnership):
    submit(partnership, a_file(2))
    text = repr(extract([partnership.pk]).table.to_pylist())
    assert DOB not in text and "C0" not in text and "QZ" not in text and "E08000006" not in text


def test_the_extract_reads_types_and_empty_values_as_the_spec_has_them(partnership):
    submit(
        partnership,
        [
            row(
                discharge_date="2004-09-02",
                discharge_reason="completed-drug-free",
                modality_end_date="2004-09-01",
            )
        ],
    )
    submit(
        partnership,
        [
            row(
                client_ref="W",
                episode_ref="W1",
                modality="",
                modality_referral_date="",
                modality_start_date="",
                triage_date="",
            )
        ],
        provider="P2",
    )
    rows = {r["provider"]: r for r in extract([partnership.pk]).table.to_pylist()}
    done, waiting = rows["P1"], rows["P2"]
    assert done["discharge_date"] == date(2004, 9, 2) and done["discharge_reason"] == "completed-drug-free"
    assert done["modality_start_date"] == date(2004, 6, 20) and done["age_at_referral"] == 34
    assert (
        waiting["discharge_reason"] is None and waiting["triage_date"] is None and waiting["modality"] is None
    )
    assert len(done["client_key"]) == 64


def test_the_extract_reads_only_the_partnerships_asked_for(partnership):
    other = load_partnership(slug="other-dat", name="Other")
    submit(partnership, a_file(1))
    submit(other, [row()], provider="P1")
    table = extract([other.pk]).table
    assert table.column("partnership").to_pylist() == [other.pk]
    assert list(extract_batches([])) == []


def test_the_parquet_extract_is_partitioned_by_partnership(partnership, tmp_path):
    submit(partnership, a_file(2))
    files = extract_to_parquet(tmp_path, [partnership.pk])
    assert (tmp_path / f"partnership={partnership.pk}" / "part-0.parquet") in files
    data = pq.read_table(tmp_path / f"partnership={partnership.pk}")
    assert data.num_rows == 7 and "client_key" in data.column_names and "partnership" not in data.column_names
    table = pq.read_table(tmp_path / "partnerships.parquet").to_pylist()
    assert table == [
        {
            "id": partnership.pk,
            "slug": "salford-dat",
            "record_version": record_version(partnership.pk),
            "extract_version": 1,
        }
    ]


def test_an_empty_record_is_an_empty_extract(partnership):
    got = extract([partnership.pk])
    assert got.table.num_rows == 0 and got.table.schema == SCHEMA


def test_the_extract_reads_only_each_providers_current_generation(db: None) -> None:
    """A staged file, and the rows of a superseded one kept for a restore, are no one's record."""
    import pyarrow as pa

    from concordat.treatment.extract import extract_batches
    from tests.factories import load_partnership
    from tests.treatment.conftest import submit
    from tests.treatment.submissions import a_file, row
    from tests.treatment.test_replacing import upload_staged

    partnership = load_partnership()
    submit(partnership, a_file(3))
    submit(partnership, [row(client_ref="ONLY", episode_ref="ONLY-1")])  # supersedes the first
    upload_staged(partnership, a_file(2))  # staged, waiting for a decision
    table = pa.Table.from_batches(list(extract_batches([partnership.pk])))
    assert table.num_rows == 1


def test_a_batch_of_episode_ids_that_holds_none_of_the_record_is_skipped(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another partnership's ids between the record's: a batch of ids with none of the record's episodes
    reads as empty, and the batches after it are still read."""
    from concordat.treatment import extract as extract_module
    from tests.performance.pages import p2_rows

    two = [{"code": "P1", "name": "One", "tiers": [3]}, {"code": "P2", "name": "Two", "tiers": [3]}]
    partnership = load_partnership(providers=two)
    other = load_partnership(slug="other-dat", name="Another Partnership")
    submit(partnership, a_file(2))
    submit(other, a_file(6))  # ids between the first provider's and the second's
    submit(partnership, p2_rows(2), provider="P2")
    monkeypatch.setattr(extract_module, "_BATCH_EPISODES", 2)
    table = extract([partnership.pk]).table
    assert table.num_rows == len(a_file(2)) + len(p2_rows(2))
    assert set(table["provider"].to_pylist()) == {"P1", "P2"}
