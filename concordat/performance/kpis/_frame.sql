-- The frame every KPI reads. Tables the engine gives: records (the extract, its codes made small ints and
-- client_key a dense int `person`; `completed` and `kept`: its discharge reason is a completed one, or a
-- completed one or `transferred`), modality_codes (partnership, modality, structured, threshold_days),
-- scopes (scope, partnership, as_of, base, lo, hi: the calendar's keys of the scope start at base, for the
-- days lo .. hi), slots (period, scope, family, idx, "from", "to") and calendar (key, first0, last0,
-- first1, last1: for a scope's day, in each family, the first period ending on or after it and the last
-- starting on or before it; a day lies in period k when first = last = k, and an interval [a, b] touches
-- the periods first(a) .. last(b)).
-- Macros (DuckDB; inlined where an engine has none, see docs/kpi-engine.md):
--   span(i, j)           the bits i .. j of a BIGINT (0 when i > j): the periods i .. j of a family
--   only_bit(k)          the bit k alone (0 when k is NULL)
--   day_key(s, d)        the calendar's key of the day d of the scope row s (a missing day: the day after)
--   slot(first, last)    the period a day lies in (first = last), else NULL

CREATE OR REPLACE TEMP MACRO span(i, j) AS
    CASE WHEN i <= j THEN (CAST(1 AS BIGINT) << (j + 1)) - (CAST(1 AS BIGINT) << i) ELSE CAST(0 AS BIGINT) END;

CREATE OR REPLACE TEMP MACRO only_bit(k) AS
    CASE WHEN k IS NULL THEN CAST(0 AS BIGINT) ELSE CAST(1 AS BIGINT) << k END;

CREATE OR REPLACE TEMP MACRO day_key(base, lo, hi, d) AS
    base + (greatest(lo, least(hi, coalesce(d, hi))) - lo);

CREATE OR REPLACE TEMP MACRO slot(first, last) AS CASE WHEN first = last THEN first END;

-- Every modality row of the record in each scope of its partnership (an episode with none: once, its
-- modality NULL), with what the partnership's table of modalities says of it: `structured` (a code it
-- does not know is not), its threshold, and whether it knows the code.
CREATE OR REPLACE TEMP VIEW rows_ AS
WITH x AS (
    SELECT s.scope, s.base, s.lo, s.hi, s.as_of,
           r.episode_id, r.person, r.provider, r.age_band, r.sex, r.substance,
           r.referral_date, r.discharge_date, r.completed, r.kept,
           r.modality, r.modality_referral_date AS m_referral, r.modality_start_date AS m_start,
           -- in treatment: the modality's interval ends at its end, else the discharge, else as_of
           coalesce(r.modality_end_date, r.discharge_date, s.as_of) AS m_until,
           -- still waiting at a day t: referred to it on or before t, not started and the episode not
           -- discharged on or before t: t in [m_referral, m_stop - 1]
           least(coalesce(r.modality_start_date, r.discharge_date), coalesce(r.discharge_date, r.modality_start_date))
               AS m_stop,
           coalesce(m.structured, FALSE) AS structured,
           m.threshold_days,
           m.modality IS NOT NULL AS known
    FROM records r
    JOIN scopes s ON s.partnership = r.partnership
    LEFT JOIN modality_codes m ON m.partnership = r.partnership AND m.modality = r.modality
)
SELECT x.*,
       a.first0 AS start_first0, a.last0 AS start_last0, a.first1 AS start_first1, a.last1 AS start_last1,
       b.last0 AS until_last0, b.last1 AS until_last1
FROM x
JOIN calendar a ON a.key = day_key(x.base, x.lo, x.hi, x.m_start)
JOIN calendar b ON b.key = day_key(x.base, x.lo, x.hi, x.m_until);

-- Episodes, one row each in each scope: their groups (a client's sex is the same on all its rows; an
-- episode's provider, age at referral and substance are its own), dates, discharge, treatment start (the
-- earliest structured modality start), the periods they are in treatment in ({in_treatment}: the masks of
-- in_treatment.sql, OR-ed over the episode's modality rows) and the places of their dates in the calendar.
CREATE OR REPLACE TEMP TABLE episodes AS
WITH e AS (
    SELECT scope, episode_id,
           min(person) AS person, min(provider) AS provider, min(age_band) AS age_band, min(sex) AS sex,
           min(substance) AS substance, min(referral_date) AS referral_date,
           min(discharge_date) AS discharge_date, bool_or(completed) AS completed, bool_or(kept) AS kept,
           min(as_of) AS as_of, min(base) AS base, min(lo) AS lo, min(hi) AS hi,
           min(CASE WHEN structured THEN m_start END) AS treatment_start,
           {in_treatment}
    FROM rows_
    GROUP BY scope, episode_id
)
SELECT e.scope, e.episode_id, e.person, e.provider, e.age_band, e.sex, e.substance, e.referral_date,
       e.discharge_date, e.completed, e.kept, e.as_of, e.treatment_start, e.it0, e.it1,
       coalesce(e.discharge_date, e.as_of) AS until,
       r.first0 AS referral_first0, r.first1 AS referral_first1,
       u.last0 AS until_last0, u.last1 AS until_last1,
       slot(t.first0, t.last0) AS start_slot0, slot(t.first1, t.last1) AS start_slot1,
       slot(d.first0, d.last0) AS discharge_slot0, slot(d.first1, d.last1) AS discharge_slot1
FROM e
JOIN calendar r ON r.key = day_key(e.base, e.lo, e.hi, e.referral_date)
JOIN calendar u ON u.key = day_key(e.base, e.lo, e.hi, coalesce(e.discharge_date, e.as_of))
JOIN calendar t ON t.key = day_key(e.base, e.lo, e.hi, e.treatment_start)
JOIN calendar d ON d.key = day_key(e.base, e.lo, e.hi, e.discharge_date)
