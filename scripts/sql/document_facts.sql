-- title: Facts per document and their basis
-- Meetings, patrols and border lengths per article, counted by method (rule or curated) and, for meetings, by date_basis ('none' = date unknown; '-' = not applicable).
WITH facts AS (
    SELECT document_id, 'meetings' AS fact, method, coalesce(date_basis, 'none') AS date_basis FROM meetings
    UNION ALL
    SELECT document_id, 'patrols', method, NULL FROM patrols
    UNION ALL
    SELECT document_id, 'border_lengths', method, NULL FROM border_lengths
)
SELECT
    d.document_id,
    coalesce(f.fact, 'none') AS fact,
    f.method,
    f.date_basis,
    count(f.fact) AS facts
FROM documents AS d
LEFT JOIN facts AS f USING (document_id)
GROUP BY d.document_id, f.fact, f.method, f.date_basis
ORDER BY d.document_id, fact, f.method NULLS FIRST, f.date_basis NULLS FIRST;
