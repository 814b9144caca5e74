-- waiting.<modality>: over modality rows with a start date in P: count, the wait (start - modality
-- referral, in days) as its total, how many waited at most the modality's threshold, and the two
-- middle waits (the same one for an odd count), from which the rules make mean_days, median_days and
-- within_threshold_pct. The waits of each period and group are counted by value (a histogram), and
-- the middle ones found from the running count.
WITH started AS (
    SELECT scope, 0 AS family, start_first0 AS idx, provider, age_band, sex, substance, modality,
           m_start - m_referral AS wait, threshold_days
    FROM rows_ WHERE known_modality AND m_start IS NOT NULL AND start_first0 = start_last0
    UNION ALL
    SELECT scope, 1 AS family, start_first1 AS idx, provider, age_band, sex, substance, modality,
           m_start - m_referral AS wait, threshold_days
    FROM rows_ WHERE known_modality AND m_start IS NOT NULL AND start_first1 = start_last1
), cells AS (
    SELECT scope, family, idx, provider, age_band, sex, substance, modality, wait,
           min(threshold_days) AS threshold_days, count(*) AS n
    FROM started
    GROUP BY scope, family, idx, provider, age_band, sex, substance, modality, wait
), histogram AS (
    SELECT scope, family, idx, {dimension} AS dim, {group} AS grp, modality, wait,
           min(threshold_days) AS threshold_days, sum(n) AS n
    FROM cells
    GROUP BY GROUPING SETS {breakdowns(scope, family, idx, modality, wait)}
), running AS (
    SELECT *,
           sum(n) OVER (PARTITION BY scope, family, idx, dim, grp, modality ORDER BY wait
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,
           sum(n) OVER (PARTITION BY scope, family, idx, dim, grp, modality) AS total
    FROM histogram
)
SELECT s.period, r.dim, r.grp, r.modality,
       sum(r.n) AS count,
       sum(r.n * r.wait) AS total_wait,
       sum(CASE WHEN r.wait <= r.threshold_days THEN r.n ELSE 0 END) AS within,
       min(CASE WHEN 2 * r.upto >= r.total THEN r.wait END) AS median_low,
       min(CASE WHEN 2 * r.upto > r.total THEN r.wait END) AS median_high
FROM running r
JOIN slots s ON s.scope = r.scope AND s.family = r.family AND s.idx = r.idx
GROUP BY s.period, r.dim, r.grp, r.modality
