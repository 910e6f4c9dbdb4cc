-- title: Patrols and personnel per border and period
-- Patrol counts summed per country pair and reporting period; personnel summed separately per personnel_scope, because per-side and total figures are not comparable.
SELECT
    country_a || '-' || country_b AS border,
    period_start,
    period_end,
    count(*) AS reports,
    sum(patrol_count) AS patrols,
    sum(personnel) FILTER (WHERE personnel_scope = 'per_side') AS personnel_per_side,
    sum(personnel) FILTER (WHERE personnel_scope = 'total') AS personnel_total,
    sum(personnel) FILTER (WHERE personnel_scope = 'unknown') AS personnel_scope_unknown,
    string_agg(DISTINCT level, ', ' ORDER BY level) AS levels
FROM patrols
GROUP BY border, period_start, period_end
ORDER BY border, period_start NULLS LAST, period_end NULLS LAST;
