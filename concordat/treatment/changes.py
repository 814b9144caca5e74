"""What replacing a provider's record with a staged generation would change, episode by episode (by
episode_ref): added, changed (any value of the episode, its client or its modalities), removed — and, of
the removed and changed, how many were entered or edited on the web (an episode with no submission, or one
marked `changed_on_web`), whose work the file would undo. Counted in the database, a few queries whatever
the record's size; nothing identifying leaves it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection

from .models import Client, Episode, EpisodeModality, Generation


@dataclass(frozen=True)
class Changes:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    web_changed: int = 0  # of `changed`, entered or edited on the web
    web_removed: int = 0  # of `removed`, likewise
    # The record they were counted against: its generation (None: no record yet) and its web changes.
    against: int | None = None
    against_changes: int = 0

    @property
    def web_lost(self) -> int:
        """Episodes entered or edited on the web that the replacement would drop or overwrite."""
        return self.web_changed + self.web_removed

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Changes:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def still_against(self, current: Generation | None) -> bool:
        """Whether the record is still the one these changes were counted against."""
        if current is None:
            return self.against is None
        return self.against == current.pk and self.against_changes == current.changes


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def changes_between(new: Generation, old: Generation | None) -> Changes:
    """The changes from `old` (the current record; None when the provider has none) to `new`.

    An episode of both (by episode_ref) is changed when one of its values differs, its client's
    client_ref differs, it has a different number of modality rows, or one of its new modality rows has
    no equal row (nulls equal) among its old ones. Counted in three set-based queries: no query per
    episode, whatever the record's size."""
    total = Episode.every_generation.filter(generation=new).count()
    if old is None:
        return Changes(added=total)
    e, c, m = (_q(model._meta.db_table) for model in (Episode, Client, EpisodeModality))
    # The episode's own values and its person (the key stands for initials, birth date, sex and area).
    episode_values = " OR ".join(
        f"n.{_q(column)} IS DISTINCT FROM o.{_q(column)}" if nullable else f"n.{_q(column)} <> o.{_q(column)}"
        for column, nullable in (
            ("referral_date", False),
            ("referral_source", False),
            ("primary_substance", False),
            ("triage_date", True),
            ("discharge_date", True),
            ("discharge_reason", False),
            ("client_key", False),
        )
    )
    web = "(o.submission_id IS NULL OR o.changed_on_web)"
    # Each episode's modality rows, of both generations, grouped by episode_ref (unique in a generation)
    # and the four values. GROUP BY takes nulls as equal, so no null-safe comparison stands in a join and
    # every step can hash. A group with as many new rows as old ones changes nothing and is dropped (most
    # of them, most days); what is left says, per episode, whether the counts differ (`surplus`) and whether
    # a new row has no equal old row (`fresh`). An episode with no group left has neither.
    columns = [_q(column) for column in ("modality", "referral_date", "start_date", "end_date")]
    values = ", ".join(columns)
    rows = " UNION ALL ".join(
        f"SELECT x.episode_ref AS ref, {', '.join(f'a.{column}' for column in columns)},"
        f" {is_new} AS is_new, {1 - is_new} AS is_old"
        f" FROM {m} a JOIN {e} x ON x.id = a.episode_id WHERE x.generation_id = %s"
        for is_new in (1, 0)
    )
    modalities = (
        f"SELECT ref, sum(new_rows - old_rows) AS surplus,"
        f" sum(CASE WHEN old_rows = 0 THEN new_rows ELSE 0 END) AS fresh FROM ("
        f" SELECT ref, sum(is_new) AS new_rows, sum(is_old) AS old_rows FROM ({rows}) r"
        f" GROUP BY ref, {values} HAVING sum(is_new) <> sum(is_old)) g GROUP BY ref"
    )
    differs = "(p.d OR coalesce(s.surplus, 0) <> 0 OR coalesce(s.fresh, 0) > 0)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), coalesce(sum(CASE WHEN d THEN 1 ELSE 0 END), 0),"
            f" coalesce(sum(CASE WHEN d AND w THEN 1 ELSE 0 END), 0) FROM ("
            f" SELECT {differs} AS d, p.w FROM ("
            f" SELECT n.episode_ref AS ref, ({episode_values} OR nc.client_ref <> oc.client_ref) AS d,"
            f" {web} AS w FROM {e} n"
            f" JOIN {e} o ON o.generation_id = %s AND o.episode_ref = n.episode_ref"
            f" JOIN {c} nc ON nc.id = n.client_id JOIN {c} oc ON oc.id = o.client_id"
            f" WHERE n.generation_id = %s) p"
            f" LEFT JOIN ({modalities}) s ON s.ref = p.ref) pairs",
            [old.pk, new.pk, new.pk, old.pk],
        )
        kept, changed, web_changed = (int(v) for v in cursor.fetchone())
        cursor.execute(
            f"SELECT count(*), coalesce(sum(CASE WHEN {web} THEN 1 ELSE 0 END), 0) FROM {e} o"
            f" WHERE o.generation_id = %s AND NOT EXISTS"
            f" (SELECT 1 FROM {e} n WHERE n.generation_id = %s AND n.episode_ref = o.episode_ref)",
            [old.pk, new.pk],
        )
        removed, web_removed = (int(v) for v in cursor.fetchone())
    return Changes(
        added=total - kept,
        changed=changed,
        removed=removed,
        unchanged=kept - changed,
        web_changed=web_changed,
        web_removed=web_removed,
        against=old.pk,
        against_changes=old.changes,
    )
