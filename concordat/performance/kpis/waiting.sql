-- waiting.<modality>: over modality rows with a start date in P: count, the waits (start - modality
-- referral, in days) added up, how many waited at most the modality's threshold, and the two middle
-- waits (the same one for an odd count), from which the rules make mean_days, median_days and
-- within_threshold_pct. quantile_disc(w, 0.5) is the lower middle wait and median(w) the mean of the two
-- middle ones (DuckDB's; their equivalents elsewhere are in docs/kpi-engine.md).
WITH started AS (
    SELECT scope, 0 AS family, start_first0 AS idx, provider, age_band, sex, substance, modality,
           m_start - m_referral AS wait, threshold_days
    FROM rows_ WHERE known_modality AND m_start IS NOT NULL AND start_first0 = start_last0
    UNION ALL
    SELECT scope, 1 AS family, start_first1 AS idx, provider, age_band, sex, substance, modality,
           m_start - m_referral AS wait, threshold_days
    FROM rows_ WHERE known_modality AND m_start IS NOT NULL AND start_first1 = start_last1
), grouped AS (
    SELECT scope, family, idx, {dimension} AS dim, {group} AS grp, modality,
           count(*) AS count,
           sum(wait) AS total_wait,
           sum(CASE WHEN wait <= threshold_days THEN 1 ELSE 0 END) AS within,
           quantile_disc(wait, 0.5) AS median_low,
           median(wait) AS median_mid
    FROM started
    GROUP BY GROUPING SETS {breakdowns(scope, family, idx, modality)}
)
SELECT s.period, g.dim, g.grp, g.modality, g.count, g.total_wait, g.within, g.median_low,
       CAST(2 * g.median_mid AS BIGINT) - g.median_low AS median_high
FROM grouped g
JOIN slots s ON s.scope = g.scope AND s.family = g.family AND s.idx = g.idx
