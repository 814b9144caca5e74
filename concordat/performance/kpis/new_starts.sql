-- new_starts: distinct client keys with an episode whose treatment start (its earliest structured
-- modality_start_date) lies in P. An episode's period of its start, in each family:
SELECT scope, episode_id,
       only_bit(start_slot0) AS mask0,
       only_bit(start_slot1) AS mask1
FROM episodes
