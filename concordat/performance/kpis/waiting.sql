-- waiting.<modality>: over modality rows with a start date in P: count, the waits (start - modality
-- referral, in days) added up, how many waited at most the modality's threshold, and the two middle
-- waits (the same one for an odd count), from which the rules make mean_days, median_days and
-- within_threshold_pct. Both middles come from one quantile_disc (the nearest rank: q = 0.5 is the lower
-- middle, q a hair above it the upper; see docs/kpi-engine.md for other engines).
-- The rows started in a period of each family:
CREATE OR REPLACE TEMP TABLE started AS
SELECT scope, CAST(0 AS TINYINT) AS family, start_first0 AS idx, provider, age_band, sex, substance, modality,
       CAST(m_start - m_referral AS INTEGER) AS wait,
       CASE WHEN m_start - m_referral <= threshold_days THEN 1 ELSE 0 END AS within
FROM rows_ WHERE known AND m_start IS NOT NULL AND start_first0 = start_last0
UNION ALL
SELECT scope, CAST(1 AS TINYINT) AS family, start_first1 AS idx, provider, age_band, sex, substance, modality,
       CAST(m_start - m_referral AS INTEGER) AS wait,
       CASE WHEN m_start - m_referral <= threshold_days THEN 1 ELSE 0 END AS within
FROM rows_ WHERE known AND m_start IS NOT NULL AND start_first1 = start_last1;

-- Each dimension in turn ({dim}, {grp}: the engine's), each group and modality of each period:
SELECT s.period, {dim} AS dim, g.grp, g.modality, g.count, g.total_wait, g.within,
       g.middles[1] AS median_low, g.middles[2] AS median_high
FROM (
    SELECT scope, family, idx, {grp} AS grp, modality,
           count(*) AS count, sum(wait) AS total_wait, sum(within) AS within,
           quantile_disc(wait, [0.5, 0.5000001]) AS middles
    FROM started
    GROUP BY scope, family, idx, {grp}, modality
) g
JOIN slots s ON s.scope = g.scope AND s.family = g.family AND s.idx = g.idx
