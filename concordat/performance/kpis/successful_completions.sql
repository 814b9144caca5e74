-- successful_completions (the numerator, `completed`): distinct client keys with an episode discharged in
-- P with a completed reason and with no episode of the same client key, at any provider of the
-- partnership, whose referral_date lies in (discharge_date, discharge_date + 182 days]. The denominator is
-- in_treatment. One row an episode completed without re-presentation: the period of its discharge.
WITH completed AS (
    SELECT *
    FROM episodes
    WHERE discharge_reason IN ('completed-drug-free', 'completed-alcohol-free', 'completed-occasional-user')
), re_presented AS (
    SELECT DISTINCT c.scope, c.episode_id
    FROM completed c
    JOIN episodes later
      ON later.scope = c.scope AND later.person = c.person
     AND later.referral_date > c.discharge_date AND later.referral_date <= c.discharge_date + 182
)
SELECT c.scope, c.person, c.provider, c.age_band, c.sex, c.substance,
       only_bit(c.discharge_slot0) AS mask0,
       only_bit(c.discharge_slot1) AS mask1
FROM completed c
LEFT JOIN re_presented r ON r.scope = c.scope AND r.episode_id = c.episode_id
WHERE r.episode_id IS NULL
