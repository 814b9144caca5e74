-- in_treatment: distinct client keys with a structured modality whose [start, end] overlaps P, where end
-- is modality_end_date, else discharge_date, else as_of. A row with no start date is not in treatment; an
-- interval that ends before it starts overlaps nothing.
-- A modality row's periods of each family, as bits (OR-ed per episode in _frame.sql, then per person):
SELECT scope, episode_id,
       CASE WHEN structured AND m_start IS NOT NULL AND m_start <= m_until
            THEN span(start_first0, until_last0) ELSE 0 END AS mask0,
       CASE WHEN structured AND m_start IS NOT NULL AND m_start <= m_until
            THEN span(start_first1, until_last1) ELSE 0 END AS mask1
FROM rows_
