-- Counting distinct people. The people KPIs' definitions give, for every episode, the periods of each
-- family it counts in, as bits: {masks} are their mask columns, m0, m1, … (two a KPI, one a family), in
-- the engine's order. Then:
--   people_p     a person's masks, OR-ed over their episodes (a person twice in a period counts once),
--                with their groups: where all their episodes are in one group of a dimension (one
--                provider, one age band, one substance: most people) the person's own row counts under
--                it, else the group is NULL;
--   people_pm    for a person in several groups of a dimension (at two providers: once under each), the
--                masks OR-ed over the episodes of each group (dim 1 provider, 2 age band, 4 substance);
--   modality_src in_treatment by modality: a person's masks OR-ed over their rows of each structured
--                modality ({it_mask0}, {it_mask1}: in_treatment.sql's).
-- How many people each period then has, in each group, is counted from these masks (counting.py: each
-- run of a mask is +1 at its first period and -1 after its last, and the counts are running sums).
CREATE OR REPLACE TEMP VIEW people_e AS
SELECT scope, person, provider, age_band, sex, substance, {masks}
FROM episodes_kpi;

CREATE OR REPLACE TEMP TABLE people_p AS
SELECT scope, person, min(sex) AS sex,
       CASE WHEN min(provider) = max(provider) THEN min(provider) END AS provider,
       CASE WHEN min(age_band) = max(age_band) THEN min(age_band) END AS age_band,
       CASE WHEN min(substance) = max(substance) THEN min(substance) END AS substance,
       {or_masks}
FROM people_e
GROUP BY scope, person;

CREATE OR REPLACE TEMP TABLE people_pm AS
WITH several AS (
    SELECT e.*, p.provider IS NULL AS by_provider, p.age_band IS NULL AS by_age, p.substance IS NULL AS by_substance
    FROM people_e e
    JOIN people_p p ON p.scope = e.scope AND p.person = e.person
    WHERE p.provider IS NULL OR p.age_band IS NULL OR p.substance IS NULL
)
SELECT scope, 1 AS dim, provider AS grp, {or_masks} FROM several WHERE by_provider GROUP BY scope, person, provider
UNION ALL
SELECT scope, 2 AS dim, age_band AS grp, {or_masks} FROM several WHERE by_age GROUP BY scope, person, age_band
UNION ALL
SELECT scope, 4 AS dim, substance AS grp, {or_masks} FROM several WHERE by_substance GROUP BY scope, person, substance;

CREATE OR REPLACE TEMP TABLE modality_src AS
SELECT scope, 5 AS dim, modality AS grp, bit_or(mask0) AS m0, bit_or(mask1) AS m1
FROM (SELECT scope, person, modality, {it_mask0} AS mask0, {it_mask1} AS mask1 FROM rows_ WHERE structured) x
GROUP BY scope, person, modality;
