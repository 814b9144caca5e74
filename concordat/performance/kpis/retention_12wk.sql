-- retention_12wk: the cohort is the episodes whose treatment start s lies in P and s + 84 days <= as_of
-- (episodes, not people). Retained: no discharge before s + 84 (a discharge on s + 84 is retained), or
-- discharged before then with a completed or `transferred` reason (`kept`).
CREATE OR REPLACE TEMP TABLE cohort AS
SELECT scope, CAST(0 AS TINYINT) AS family, start_slot0 AS idx, provider, age_band, sex, substance,
       CASE WHEN discharge_date IS NULL OR discharge_date >= treatment_start + 84 OR kept THEN 1 ELSE 0 END AS retained
FROM episodes WHERE start_slot0 IS NOT NULL AND treatment_start + 84 <= as_of
UNION ALL
SELECT scope, CAST(1 AS TINYINT) AS family, start_slot1 AS idx, provider, age_band, sex, substance,
       CASE WHEN discharge_date IS NULL OR discharge_date >= treatment_start + 84 OR kept THEN 1 ELSE 0 END AS retained
FROM episodes WHERE start_slot1 IS NOT NULL AND treatment_start + 84 <= as_of;

-- Each dimension in turn ({dim}, {grp}: the engine's):
SELECT s.period, {dim} AS dim, g.grp, g.cohort, g.retained
FROM (
    SELECT scope, family, idx, {grp} AS grp, count(*) AS cohort, sum(retained) AS retained
    FROM cohort
    GROUP BY scope, family, idx, {grp}
) g
JOIN slots s ON s.scope = g.scope AND s.family = g.family AND s.idx = g.idx
