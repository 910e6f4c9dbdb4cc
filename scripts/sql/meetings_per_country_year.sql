-- title: Meetings per neighbour country and year
-- Meetings by neighbour (every non-VN party country) and year: meeting_summary's year (known only when both date bounds fall in one year), otherwise 'unknown'.
WITH neighbours AS (
    SELECT DISTINCT meeting_id, country_code AS neighbour
    FROM meeting_parties
    WHERE country_code <> 'VN'
),
dated AS (
    SELECT
        coalesce(n.neighbour, 'unknown') AS neighbour,
        coalesce(CAST(m.year AS VARCHAR), 'unknown') AS year,
        m.status
    FROM meeting_summary AS m
    LEFT JOIN neighbours AS n USING (meeting_id)
)
SELECT
    neighbour,
    year,
    count(*) AS meetings,
    count(*) FILTER (WHERE status = 'held') AS held,
    count(*) FILTER (WHERE status = 'planned') AS planned,
    count(*) FILTER (WHERE status = 'cancelled') AS cancelled
FROM dated
GROUP BY neighbour, year
ORDER BY neighbour, year = 'unknown', year;
