-- waiting.<modality>.still_waiting: modality rows with modality_referral_date <= to, no start on or
-- before to, and an episode not discharged on or before to; that is, rows whose waiting days
-- [modality_referral_date, first of start and discharge - 1] hold the period's last day. The periods
-- whose `to` lies there are a run of each family: first(referral) .. first(stop) - 1, so a row adds 1 at
-- the run's first period and -1 after its last, and the counts are running sums (rows, not people;
-- counted by the engine, counting.py).
CREATE OR REPLACE TEMP TABLE waits AS
SELECT x.scope, x.provider, x.age_band, x.sex, x.substance, x.modality,
       a.first0 AS from0, b.first0 AS until0, a.first1 AS from1, b.first1 AS until1
FROM rows_ x
JOIN calendar a ON a.key = day_key(x.base, x.lo, x.hi, x.m_referral)
JOIN calendar b ON b.key = day_key(x.base, x.lo, x.hi, x.m_stop)
WHERE x.known AND x.m_referral IS NOT NULL
