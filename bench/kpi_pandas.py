"""The analyst's baseline: the same KPI figures as the engine (concordat/performance/engine.py's
`Figures`, as rules.shaping.PeriodFigures) with plain pandas, one partnership and one period at a time.
Used by bench/kpi_national.py, which times it and checks it equals the engine."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

COMPLETED = {"completed-drug-free", "completed-alcohol-free", "completed-occasional-user"}
DIMS = ("provider", "age_band", "sex", "substance")
BANDS = [
    (0, 17, "under-18"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 999, "65+"),
]


def prepare(
    rows: pd.DataFrame, modalities: dict[str, tuple[bool, int]], as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One partnership's rows (the extract's columns, dates as datetime64) and its episodes."""
    df = rows.copy()
    df["substance"] = df["primary_substance"]
    df["age_band"] = pd.cut(
        df["age_at_referral"], [-1] + [b[1] for b in BANDS], labels=[b[2] for b in BANDS]
    ).astype(str)
    df["known"] = df["modality"].isin(list(modalities))
    df["structured"] = df["modality"].map(
        lambda m: modalities.get(m, (False, 21))[0] if isinstance(m, str) else False
    )
    df["threshold"] = df["modality"].map(
        lambda m: modalities.get(m, (False, 21))[1] if isinstance(m, str) else 21
    )
    stamp = pd.Timestamp(as_of)
    df["until"] = df["modality_end_date"].fillna(df["discharge_date"]).fillna(stamp)
    df["wait"] = (df["modality_start_date"] - df["modality_referral_date"]).dt.days
    starts = df[df["structured"]].groupby("episode_id")["modality_start_date"].min()
    episodes = df.drop_duplicates("episode_id").set_index("episode_id")
    episodes["treatment_start"] = starts
    episodes["until"] = episodes["discharge_date"].fillna(stamp)
    # Re-presented: another episode of the same person referred within (discharge, discharge + 182 days].
    done = episodes[episodes["discharge_reason"].isin(COMPLETED)].reset_index()
    pairs = done[["episode_id", "client_key", "discharge_date"]].merge(
        episodes[["client_key", "referral_date"]], on="client_key"
    )
    back = pairs[
        (pairs["referral_date"] > pairs["discharge_date"])
        & (pairs["referral_date"] <= pairs["discharge_date"] + timedelta(days=182))
    ]
    episodes["clean_completion"] = episodes["discharge_reason"].isin(COMPLETED) & ~episodes.index.isin(
        back["episode_id"]
    )
    s = episodes["treatment_start"]
    episodes["retained"] = (
        episodes["discharge_date"].isna()
        | (episodes["discharge_date"] >= s + timedelta(days=84))
        | episodes["discharge_reason"].isin(COMPLETED | {"transferred"})
    )
    return df, episodes.reset_index()


def _people(frame: pd.DataFrame, kpi: str, out: dict, dims=DIMS, total=True) -> None:
    if total:
        n = frame["client_key"].nunique()
        if n:
            out[(kpi, "all", "")] = n
    for dim in dims:
        for grp, n in frame.groupby(dim)["client_key"].nunique().items():
            if n:
                out[(kpi, dim, str(grp))] = int(n)


def period_figures(df: pd.DataFrame, episodes: pd.DataFrame, start: date, end: date, as_of: date) -> dict:
    """The figures of one period: {"people", "waiting", "still_waiting", "retention"} dicts keyed as
    rules.shaping.PeriodFigures's."""
    a, b, stamp = pd.Timestamp(start), pd.Timestamp(end), pd.Timestamp(as_of)
    people: dict = {}
    treated = df[df["structured"] & df["modality_start_date"].notna()]
    treated = treated[(treated["modality_start_date"].clip(lower=a) <= treated["until"].clip(upper=b))]
    _people(treated, "in_treatment", people)
    _people(treated, "in_treatment", people, dims=("modality",), total=False)
    accessing = episodes[episodes["referral_date"].clip(lower=a) <= episodes["until"].clip(upper=b)]
    _people(accessing, "accessing_services", people)
    ts = episodes["treatment_start"]
    _people(episodes[(ts >= a) & (ts <= b)], "new_starts", people)
    d = episodes["discharge_date"]
    _people(episodes[episodes["clean_completion"] & (d >= a) & (d <= b)], "successful_completions", people)
    waiting: dict = {}
    started = df[df["known"] & (df["modality_start_date"] >= a) & (df["modality_start_date"] <= b)].copy()
    started["within"] = started["wait"] <= started["threshold"]
    still_rows = df[
        df["known"]
        & (df["modality_referral_date"] <= b)
        & (df["modality_start_date"].isna() | (df["modality_start_date"] > b))
        & (df["discharge_date"].isna() | (df["discharge_date"] > b))
    ]
    still: dict = {}
    for dim in ("all", *DIMS):
        keys = ["modality"] if dim == "all" else [dim, "modality"]
        g = started.groupby(keys)["wait"]
        stats = pd.DataFrame(
            {
                "count": g.size(),
                "total": g.sum(),
                "within": started.groupby(keys)["within"].sum(),
                "low": g.quantile(0.5, interpolation="lower"),
                "high": g.quantile(0.5, interpolation="higher"),
            }
        )
        for key, r in stats.iterrows():
            grp, modality = ("", key) if dim == "all" else key
            waiting[(dim, str(grp), modality)] = (
                int(r["count"]),
                int(r["total"]),
                int(r["within"]),
                int(r["low"]),
                int(r["high"]),
            )
        for key, n in still_rows.groupby(keys).size().items():
            grp, modality = ("", key) if dim == "all" else key
            if n:
                still[(dim, str(grp), modality)] = int(n)
    retention: dict = {}
    cohort = episodes[(ts >= a) & (ts <= b) & (ts + timedelta(days=84) <= stamp)]
    if len(cohort):
        retention[("all", "")] = (len(cohort), int(cohort["retained"].sum()))
    for dim in DIMS:
        for grp, part in cohort.groupby(dim):
            retention[(dim, str(grp))] = (len(part), int(part["retained"].sum()))
    return {"people": people, "waiting": waiting, "still_waiting": still, "retention": retention}
