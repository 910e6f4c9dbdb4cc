-- title: Border length segments per country pair and document
-- Total, land and water length (km) as each article states them, with a check that land + water = total to the metre (ok, mismatch, or incomplete when a segment is missing).
WITH segments AS (
    SELECT
        country_a || '-' || country_b AS border,
        document_id,
        max(length_km) FILTER (WHERE segment = 'total') AS total_km,
        max(length_km) FILTER (WHERE segment = 'land') AS land_km,
        max(length_km) FILTER (WHERE segment = 'water') AS water_km,
        string_agg(DISTINCT qualifier, ', ' ORDER BY qualifier) AS qualifiers
    FROM border_lengths
    GROUP BY border, document_id
)
SELECT
    border,
    document_id,
    total_km,
    land_km,
    water_km,
    round(land_km + water_km, 3) AS land_plus_water_km,
    CASE
        WHEN total_km IS NULL OR land_km IS NULL OR water_km IS NULL THEN 'incomplete'
        WHEN abs(land_km + water_km - total_km) < 0.0005 THEN 'ok'
        ELSE 'mismatch'
    END AS sum_check,
    qualifiers
FROM segments
ORDER BY border, document_id;
