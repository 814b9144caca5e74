-- successful_completions (the numerator, `completed`): distinct client keys with an episode discharged in
-- P with a completed reason and with no episode of the same client key, at any provider of the
-- partnership, whose referral_date lies in (discharge_date, discharge_date + 182 days]. The denominator is
-- in_treatment.
-- The completed episodes that were re-presented (the 182-day rule: an equi-join on the person with a
-- range on the later referral):
CREATE OR REPLACE TEMP TABLE re_presented AS
SELECT DISTINCT c.scope, c.episode_id
FROM episodes c
JOIN episodes later
  ON later.scope = c.scope AND later.person = c.person
 AND later.referral_date > c.discharge_date AND later.referral_date <= c.discharge_date + 182
WHERE c.completed;

-- An episode completed without re-presentation: the period of its discharge, in each family:
SELECT scope, episode_id,
       CASE WHEN completed AND NOT re_presented THEN only_bit(discharge_slot0) ELSE 0 END AS mask0,
       CASE WHEN completed AND NOT re_presented THEN only_bit(discharge_slot1) ELSE 0 END AS mask1
FROM episodes
