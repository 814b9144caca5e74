-- retention_12wk: the cohort is the episodes whose treatment start s lies in P and s + 84 days <= as_of
-- (episodes, not people). Retained: no discharge before s + 84 (a discharge on s + 84 is retained), or
-- discharged before then with a completed or `transferred` reason.
WITH cohort AS (
    SELECT scope, 0 AS family, start_slot0 AS idx, provider, age_band, sex, substance,
           discharge_date, discharge_reason, treatment_start
    FROM episodes WHERE start_slot0 IS NOT NULL AND treatment_start + 84 <= as_of
    UNION ALL
    SELECT scope, 1 AS family, start_slot1 AS idx, provider, age_band, sex, substance,
           discharge_date, discharge_reason, treatment_start
    FROM episodes WHERE start_slot1 IS NOT NULL AND treatment_start + 84 <= as_of
), judged AS (
    SELECT scope, family, idx, provider, age_band, sex, substance,
           CASE WHEN discharge_date IS NULL OR discharge_date >= treatment_start + 84
                  OR discharge_reason IN ('completed-drug-free', 'completed-alcohol-free',
                                          'completed-occasional-user', 'transferred')
                THEN 1 ELSE 0 END AS retained
    FROM cohort
), grouped AS (
    SELECT scope, family, idx, {dimension} AS dim, {group} AS grp, count(*) AS cohort, sum(retained) AS retained
    FROM judged
    GROUP BY GROUPING SETS {breakdowns(scope, family, idx)}
)
SELECT s.period, g.dim, g.grp, g.cohort, g.retained
FROM grouped g
JOIN slots s ON s.scope = g.scope AND s.family = g.family AND s.idx = g.idx
