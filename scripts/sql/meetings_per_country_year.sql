-- title: Meetings per neighbour country and year
-- Meetings by neighbour (every non-VN party country) and year of date_start; the year counts only when date_start and date_end fall in the same year, otherwise it is 'unknown'.
WITH neighbours AS (
    SELECT DISTINCT meeting_id, country_code AS neighbour
    FROM meeting_parties
    WHERE country_code <> 'VN'
),
dated AS (
    SELECT
        coalesce(n.neighbour, 'unknown') AS neighbour,
        CASE WHEN year(m.date_start) = year(m.date_end) THEN CAST(year(m.date_start) AS VARCHAR) ELSE 'unknown' END AS year,
        m.status
    FROM meetings AS m
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
