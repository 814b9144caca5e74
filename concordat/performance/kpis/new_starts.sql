-- new_starts: distinct client keys with an episode whose treatment start (its earliest structured
-- modality_start_date) lies in P. One row an episode that started treatment: the period of its start.
SELECT scope, person, provider, age_band, sex, substance,
       only_bit(start_slot0) AS mask0,
       only_bit(start_slot1) AS mask1
FROM episodes
WHERE treatment_start IS NOT NULL
