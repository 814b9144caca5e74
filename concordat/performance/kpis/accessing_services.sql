-- accessing_services: distinct client keys with an episode whose [referral_date, discharge_date, else
-- as_of] overlaps P. An episode's periods of each family, as bits:
SELECT scope, episode_id,
       CASE WHEN referral_date <= until THEN span(referral_first0, until_last0) ELSE 0 END AS mask0,
       CASE WHEN referral_date <= until THEN span(referral_first1, until_last1) ELSE 0 END AS mask1
FROM episodes
