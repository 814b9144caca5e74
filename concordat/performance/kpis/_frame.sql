-- The frame every KPI reads: the calendar of the run's periods, the record's rows in their scopes, and
-- its episodes. Tables the engine gives: records (the extract, client_key made a dense int `person`),
-- modality_codes (partnership, code, structured, threshold_days), scopes (scope, partnership, as_of,
-- first, last) and slots (period, scope, family, idx, "from", "to").
-- Macros (DuckDB; written out where an engine has none, see docs/kpi-engine.md):
--   span(i, j)  the bits i..j of a BIGINT (0 when i > j): the periods i..j of a family
--   only_bit(k)      the bit k alone (0 when k is NULL)

CREATE OR REPLACE TEMP MACRO span(i, j) AS
    CASE WHEN i <= j THEN (CAST(1 AS BIGINT) << (j + 1)) - (CAST(1 AS BIGINT) << i) ELSE CAST(0 AS BIGINT) END;

-- day_key(scope, day): the calendar's key, one integer for the scope and the day (so the planner does not
-- pair up the lookups of one row through their common scope)
CREATE OR REPLACE TEMP MACRO day_key(scope, day) AS CAST(scope AS BIGINT) * 100000 + (day - DATE '1900-01-01');

CREATE OR REPLACE TEMP MACRO only_bit(k) AS
    CASE WHEN k IS NULL THEN CAST(0 AS BIGINT) ELSE CAST(1 AS BIGINT) << k END;

-- For each scope and day, in each family f: first_f, the first period ending on or after the day (the
-- number of periods ending before it), and last_f, the last period starting on or before it. A day lies
-- in period k of the family when first_f = last_f = k; an interval [a, b] touches periods
-- first_f(a) .. last_f(b). Days run from the day before the scope's first period to the day after its
-- last; the rows' dates are clamped into that range, which changes neither number.
CREATE OR REPLACE TEMP TABLE calendar AS
WITH days AS (
    SELECT scope, CAST(unnest(generate_series(first - 1, last + 1, INTERVAL 1 DAY)) AS DATE) AS day
    FROM scopes
), ends AS (
    SELECT scope, "to" + 1 AS day,
           sum(CASE WHEN family = 0 THEN 1 ELSE 0 END) AS ended0,
           sum(CASE WHEN family = 1 THEN 1 ELSE 0 END) AS ended1
    FROM slots GROUP BY scope, "to" + 1
), starts AS (
    SELECT scope, "from" AS day,
           sum(CASE WHEN family = 0 THEN 1 ELSE 0 END) AS started0,
           sum(CASE WHEN family = 1 THEN 1 ELSE 0 END) AS started1
    FROM slots GROUP BY scope, "from"
)
SELECT day_key(d.scope, d.day) AS key,
       CAST(sum(coalesce(e.ended0, 0)) OVER w AS INTEGER) AS first0,
       CAST(sum(coalesce(s.started0, 0)) OVER w AS INTEGER) - 1 AS last0,
       CAST(sum(coalesce(e.ended1, 0)) OVER w AS INTEGER) AS first1,
       CAST(sum(coalesce(s.started1, 0)) OVER w AS INTEGER) - 1 AS last1
FROM days d
LEFT JOIN ends e ON e.scope = d.scope AND e.day = d.day
LEFT JOIN starts s ON s.scope = d.scope AND s.day = d.day
WINDOW w AS (PARTITION BY d.scope ORDER BY d.day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);

-- Every row of the record in each scope of its partnership, with the groups of the breakdowns (codes made
-- small ints by the engine: provider, sex, substance, modality) and, for
-- its dates, their places in the calendar. `structured`: the partnership's table of modalities says so;
-- a code it does not know is not structured.
CREATE OR REPLACE TEMP TABLE rows_ AS
WITH x AS (
    SELECT s.scope, s.as_of, s.first, s.last,
           r.provider, r.episode_id, r.person, r.sex,
           -- the age bands under-18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+ as 0 .. 6
           CASE WHEN r.age_at_referral < 18 THEN 0
                WHEN r.age_at_referral < 25 THEN 1
                WHEN r.age_at_referral < 35 THEN 2
                WHEN r.age_at_referral < 45 THEN 3
                WHEN r.age_at_referral < 55 THEN 4
                WHEN r.age_at_referral < 65 THEN 5
                ELSE 6 END AS age_band,
           r.primary_substance AS substance,
           r.referral_date, r.discharge_date, r.discharge_reason,
           r.modality, r.modality_referral_date AS m_referral, r.modality_start_date AS m_start,
           -- in treatment: the modality's interval ends at its end, else the discharge, else as_of
           coalesce(r.modality_end_date, r.discharge_date, s.as_of) AS m_until,
           -- still waiting at a day t: referred to the modality on or before t, not started and the
           -- episode not discharged on or before t: t in [m_referral, m_stop - 1]
           coalesce(least(r.modality_start_date, r.discharge_date), r.modality_start_date, r.discharge_date)
               AS m_stop,
           coalesce(m.structured, FALSE) AS structured,
           m.threshold_days,
           m.code IS NOT NULL AS known_modality
    FROM records r
    JOIN scopes s ON s.partnership = r.partnership
    LEFT JOIN modality_codes m ON m.partnership = r.partnership AND m.modality = r.modality
), y AS (
    -- the dates looked up, clamped into the calendar's days (a missing one: the day after the last)
    SELECT x.*,
           day_key(scope, greatest(first - 1, least(last + 1, coalesce(m_start, last + 1)))) AS start_day,
           day_key(scope, greatest(first - 1, least(last + 1, m_until))) AS until_day,
           day_key(scope, greatest(first - 1, least(last + 1, coalesce(m_referral, last + 1)))) AS referral_day,
           day_key(scope, greatest(first - 1, least(last + 1, coalesce(m_stop, last + 1)))) AS stop_day
    FROM x
)
SELECT x.* EXCLUDE (start_day, until_day, referral_day, stop_day),
       a.first0 AS start_first0, a.last0 AS start_last0, a.first1 AS start_first1, a.last1 AS start_last1,
       b.last0 AS until_last0, b.last1 AS until_last1,
       w.first0 AS referral_first0, w.first1 AS referral_first1,
       v.first0 AS stop_first0, v.first1 AS stop_first1
FROM y AS x
JOIN calendar a ON a.key = x.start_day
JOIN calendar b ON b.key = x.until_day
JOIN calendar w ON w.key = x.referral_day
JOIN calendar v ON v.key = x.stop_day;

-- Episodes: their groups, dates, treatment start (the earliest structured modality start) and the places
-- of their dates in the calendar.
CREATE OR REPLACE TEMP TABLE episodes AS
WITH e AS (
    SELECT scope, episode_id,
           min(person) AS person, min(provider) AS provider, min(age_band) AS age_band, min(sex) AS sex,
           min(substance) AS substance, min(referral_date) AS referral_date,
           min(discharge_date) AS discharge_date, min(discharge_reason) AS discharge_reason,
           min(as_of) AS as_of, min(first) AS first, min(last) AS last,
           min(CASE WHEN structured THEN m_start END) AS treatment_start
    FROM rows_
    GROUP BY scope, episode_id
), f AS (
    SELECT e.*,
           day_key(scope, greatest(first - 1, least(last + 1, referral_date))) AS referral_day,
           day_key(scope, greatest(first - 1, least(last + 1, coalesce(discharge_date, as_of)))) AS until_day,
           day_key(scope, greatest(first - 1, least(last + 1, coalesce(treatment_start, last + 1)))) AS start_day,
           day_key(scope, greatest(first - 1, least(last + 1, coalesce(discharge_date, last + 1)))) AS discharge_day
    FROM e
)
SELECT e.* EXCLUDE (referral_day, until_day, start_day, discharge_day),
       coalesce(e.discharge_date, e.as_of) AS until,
       r.first0 AS referral_first0, r.first1 AS referral_first1,
       u.last0 AS until_last0, u.last1 AS until_last1,
       CASE WHEN t.first0 = t.last0 THEN t.first0 END AS start_slot0,
       CASE WHEN t.first1 = t.last1 THEN t.first1 END AS start_slot1,
       CASE WHEN d.first0 = d.last0 THEN d.first0 END AS discharge_slot0,
       CASE WHEN d.first1 = d.last1 THEN d.first1 END AS discharge_slot1
FROM f AS e
JOIN calendar r ON r.key = e.referral_day
JOIN calendar u ON u.key = e.until_day
JOIN calendar t ON t.key = e.start_day
JOIN calendar d ON d.key = e.discharge_day;
