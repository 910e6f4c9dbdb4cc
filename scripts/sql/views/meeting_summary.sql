-- title: Meetings, one row each
-- Who met whom: the neighbour country, each side's units (Vietnamese and English names from provinces) and organisations, its event and role (event, context, session_of_visit), kind, status, date bounds, the year only when the bounds put the meeting in one known year (NULL for an open bound such as 'not before 2021-07-01' or an unknown date), the quote and its article.
WITH parties AS (
    SELECT
        mp.meeting_id,
        mp.party_index,
        mp.country_code,
        mp.country_code = 'VN' AS vietnamese,
        pr.name_vi,
        pr.name_en,
        mp.organisation
    FROM meeting_parties AS mp
    LEFT JOIN provinces AS pr ON pr.province_id = mp.province_id
),
sides AS (
    SELECT
        meeting_id,
        string_agg(DISTINCT country_code, ', ' ORDER BY country_code) FILTER (WHERE NOT vietnamese) AS neighbour,
        string_agg(name_vi, ', ' ORDER BY party_index) FILTER (WHERE vietnamese) AS vn_units,
        string_agg(organisation, ', ' ORDER BY party_index) FILTER (WHERE vietnamese) AS vn_organisations,
        string_agg(name_en, ', ' ORDER BY party_index) FILTER (WHERE NOT vietnamese) AS foreign_units,
        string_agg(name_vi, ', ' ORDER BY party_index) FILTER (WHERE NOT vietnamese) AS foreign_units_vi,
        string_agg(organisation, ', ' ORDER BY party_index) FILTER (WHERE NOT vietnamese) AS foreign_organisations
    FROM parties
    GROUP BY meeting_id
)
SELECT
    m.meeting_id,
    m.document_id,
    s.neighbour,
    coalesce(s.vn_units, s.vn_organisations, 'VN') || ' - ' || coalesce(s.foreign_units, s.foreign_organisations, s.neighbour, '?') AS parties,
    s.vn_units,
    s.vn_organisations,
    s.foreign_units,
    s.foreign_units_vi,
    s.foreign_organisations,
    m.event_id,
    m.role,
    m.kind,
    m.status,
    m.date_start,
    m.date_end,
    m.date_precision,
    m.date_basis,
    CASE
        WHEN m.date_precision <> 'unknown' AND year(m.date_start) = year(m.date_end) THEN year(m.date_start)
    END AS year,
    m.date_text,
    m.year_evidence,
    m.venue,
    m.evidence,
    m.char_start,
    m.char_end,
    m.method,
    d.title,
    d.url,
    d.publisher,
    d.published
FROM meetings AS m
LEFT JOIN sides AS s ON s.meeting_id = m.meeting_id
LEFT JOIN documents AS d ON d.document_id = m.document_id
ORDER BY m.date_start NULLS LAST, m.date_end NULLS LAST, m.meeting_id;
