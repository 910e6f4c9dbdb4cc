-- title: Meetings per neighbour country and year
-- Real-world meetings (events: one however many articles report it; context mentions and talks held during a visit left out) by neighbour (every non-VN party country) and year, known only when both date bounds fall in one year (as meeting_summary's year), otherwise 'unknown'; mentions = the meeting rows grouped into them.
WITH neighbours AS (
    SELECT DISTINCT meeting_id, country_code AS neighbour
    FROM meeting_parties
    WHERE country_code <> 'VN'
),
dated AS (
    SELECT
        coalesce(n.neighbour, 'unknown') AS neighbour,
        CASE
            WHEN e.date_precision <> 'unknown' AND year(e.date_start) = year(e.date_end) THEN CAST(year(e.date_start) AS VARCHAR)
            ELSE 'unknown'
        END AS year,
        e.status,
        e.mention_count
    FROM events AS e
    LEFT JOIN neighbours AS n USING (meeting_id)
    WHERE e.role = 'event'
)
SELECT
    neighbour,
    year,
    count(*) AS meetings,
    count(*) FILTER (WHERE status = 'held') AS held,
    count(*) FILTER (WHERE status = 'planned') AS planned,
    count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
    sum(mention_count) AS mentions
FROM dated
GROUP BY neighbour, year
ORDER BY neighbour, year = 'unknown', year;
