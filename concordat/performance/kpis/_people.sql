-- Counting people: the rows of a KPI's definition ({contributions}: scope, person, the groups, and the
-- periods each touches as bits of mask0 and mask1) become, per period and group, the number of distinct
-- people. A person's bits are OR-ed together in each group (so two rows of one person in one period
-- count once), people with the same bits are counted together, and each set of bits adds its people to
-- every period whose bit it has.
WITH contributions AS (
    {contributions}
), per_person AS (
    SELECT scope, person, {dimension} AS dim, {group} AS grp,
           bit_or(mask0) AS mask0, bit_or(mask1) AS mask1
    FROM contributions
    GROUP BY GROUPING SETS {breakdowns(scope, person)}
), same_bits AS (
    SELECT scope, dim, grp, 0 AS family, mask0 AS mask, count(*) AS n
    FROM per_person WHERE mask0 <> 0 GROUP BY scope, dim, grp, mask0
    UNION ALL
    SELECT scope, dim, grp, 1 AS family, mask1 AS mask, count(*) AS n
    FROM per_person WHERE mask1 <> 0 GROUP BY scope, dim, grp, mask1
)
SELECT s.period, b.dim, b.grp, sum(b.n) AS people
FROM same_bits b
JOIN slots s ON s.scope = b.scope AND s.family = b.family AND (b.mask >> s.idx) & 1 = 1
GROUP BY s.period, b.dim, b.grp
