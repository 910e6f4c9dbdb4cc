-- title: Meeting timeline
-- Every meeting row (mention) once per neighbour country, with its date bounds, how precise they are and where they came from (empty bounds are unknown, never guessed), its event and its role (event, context, session_of_visit).
WITH neighbours AS (
    SELECT DISTINCT meeting_id, country_code AS neighbour
    FROM meeting_parties
    WHERE country_code <> 'VN'
)
SELECT
    coalesce(n.neighbour, 'unknown') AS neighbour,
    m.meeting_id,
    m.document_id,
    m.kind,
    m.status,
    m.date_start,
    m.date_end,
    m.date_precision,
    m.date_basis,
    m.date_text,
    m.event_id,
    m.role
FROM meetings AS m
LEFT JOIN neighbours AS n USING (meeting_id)
ORDER BY neighbour, m.date_start NULLS LAST, m.date_end NULLS LAST, m.meeting_id;
