-- accessing_services: distinct client keys with an episode whose [referral_date, discharge_date, else
-- as_of] overlaps P. One row an episode: the periods its interval touches, as bits.
SELECT scope, person, provider, age_band, sex, substance,
       span(referral_first0, until_last0) AS mask0,
       span(referral_first1, until_last1) AS mask1
FROM episodes
WHERE referral_date <= until
