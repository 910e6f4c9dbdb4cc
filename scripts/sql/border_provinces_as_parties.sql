-- title: Border provinces as meeting parties
-- Each unit an article places on a border (province_borders) and the meetings (events, each counted once however many articles report it) it takes part in, itself or through a lower unit (e.g. a prefecture of a Chinese province); 'never' if none.
WITH RECURSIVE ancestry(province_id, ancestor_id) AS (
    SELECT province_id, province_id FROM provinces
    UNION
    SELECT a.province_id, p.parent_id
    FROM ancestry AS a
    JOIN provinces AS p ON p.province_id = a.ancestor_id
    WHERE p.parent_id IS NOT NULL
),
border AS (
    SELECT neighbour_country, province_id, count(DISTINCT document_id) AS documents
    FROM province_borders
    GROUP BY neighbour_country, province_id
),
party AS (
    SELECT DISTINCT m.event_id, mp.province_id AS party_id, a.ancestor_id
    FROM meeting_parties AS mp
    JOIN meetings AS m USING (meeting_id)
    JOIN ancestry AS a ON a.province_id = mp.province_id
)
SELECT
    b.neighbour_country AS border_with,
    b.province_id,
    any_value(pr.name_en) AS name_en,
    b.documents,
    count(DISTINCT pa.event_id) AS meetings,
    count(DISTINCT pa.event_id) FILTER (WHERE pa.party_id = b.province_id) AS as_itself,
    string_agg(DISTINCT pa.party_id, ', ' ORDER BY pa.party_id) FILTER (WHERE pa.party_id <> b.province_id) AS via_lower_units,
    CASE WHEN count(pa.event_id) = 0 THEN 'never' ELSE 'yes' END AS meeting_party
FROM border AS b
LEFT JOIN provinces AS pr ON pr.province_id = b.province_id
LEFT JOIN party AS pa ON pa.ancestor_id = b.province_id
GROUP BY b.neighbour_country, b.province_id, b.documents
ORDER BY meetings = 0, border_with, b.province_id;
