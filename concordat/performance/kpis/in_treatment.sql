-- in_treatment: distinct client keys with a structured modality whose [start, end] overlaps P, where end
-- is modality_end_date, else discharge_date, else as_of. A row with no start date is not in treatment;
-- an interval that ends before it starts overlaps nothing. One row a structured modality row: the
-- periods it touches in each family as bits (people are counted by engine's _people.sql).
SELECT scope, person, provider, age_band, sex, substance, modality,
       span(start_first0, until_last0) AS mask0,
       span(start_first1, until_last1) AS mask1
FROM rows_
WHERE structured AND m_start IS NOT NULL AND m_start <= m_until
