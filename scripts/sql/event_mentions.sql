-- title: Events and the articles that report them
-- One row per real-world meeting (event) with its tightest date bounds, its role (event, context, session_of_visit), how many meeting rows (mentions) were grouped into it and the articles they come from, first document first.
SELECT
    e.event_id,
    e.neighbour,
    e.kind,
    e.status,
    e.role,
    e.date_start,
    e.date_end,
    e.date_precision,
    e.mention_count,
    e.first_document_id,
    string_agg(m.document_id, ', ' ORDER BY m.document_id = e.first_document_id DESC, m.document_id) AS documents
FROM events AS e
JOIN meetings AS m USING (event_id)
GROUP BY ALL
ORDER BY e.date_start NULLS LAST, e.date_end NULLS LAST, e.event_id;
