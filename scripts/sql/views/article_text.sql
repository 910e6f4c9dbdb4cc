-- title: Articles with their text
-- One row per document with its normalised text (what every char_start/char_end points into) and its body (text[body_start, body_end), where facts are read); text is NULL when the database was built without article texts.
SELECT
    d.document_id,
    d.title,
    d.language,
    d.url,
    d.publisher,
    d.published,
    d.path,
    d.n_chars,
    d.body_start,
    d.body_end,
    a.text,
    substring(a.text, d.body_start + 1, d.body_end - d.body_start) AS body
FROM documents AS d
LEFT JOIN articles AS a ON a.document_id = d.document_id
ORDER BY d.document_id;
