-- waiting.<modality>.still_waiting: modality rows with modality_referral_date <= to, no start on or
-- before to, and an episode not discharged on or before to; that is, rows whose waiting days
-- [modality_referral_date, first of start and discharge - 1] hold the period's last day. The periods
-- whose `to` lies there are a run of each family: first_f(referral) .. first_f(stop) - 1.
WITH waits AS (
    SELECT scope, provider, age_band, sex, substance, modality,
           span(referral_first0, stop_first0 - 1) AS mask0,
           span(referral_first1, stop_first1 - 1) AS mask1
    FROM rows_
    WHERE known_modality
), cells AS (
    SELECT scope, 0 AS family, mask0 AS mask, provider, age_band, sex, substance, modality, count(*) AS n
    FROM waits WHERE mask0 <> 0
    GROUP BY scope, mask0, provider, age_band, sex, substance, modality
    UNION ALL
    SELECT scope, 1 AS family, mask1 AS mask, provider, age_band, sex, substance, modality, count(*) AS n
    FROM waits WHERE mask1 <> 0
    GROUP BY scope, mask1, provider, age_band, sex, substance, modality
), grouped AS (
    SELECT scope, family, mask, {dimension} AS dim, {group} AS grp, modality, sum(n) AS n
    FROM cells
    GROUP BY GROUPING SETS {breakdowns(scope, family, mask, modality)}
)
SELECT s.period, g.dim, g.grp, g.modality, sum(g.n) AS still_waiting
FROM grouped g
JOIN slots s ON s.scope = g.scope AND s.family = g.family AND (g.mask >> s.idx) & 1 = 1
GROUP BY s.period, g.dim, g.grp, g.modality
