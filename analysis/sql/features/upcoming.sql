-- Incumbency in contests after a chamber's latest result (filed candidates of the next cycle),
-- to tell open seats from incumbents running where the source lists them.
-- Parameters: $state = state_po filter, or NULL for all states.
WITH cutoff AS (
    SELECT state_po, office, max(year) AS last_result_year
    FROM races
    WHERE status = 'contested' AND kind IN ('general', 'runoff', 'rcv_final')
    GROUP BY ALL
)
SELECT
    r.state_po, r.office, r.district, nullif(r.seat, '') AS seat, r.year,
    bool_or(c.incumbent AND c.party = 'DEM') AS inc_dem,
    bool_or(c.incumbent AND c.party = 'REP') AS inc_rep,
    count(c.incumbent) > 0 AS inc_known,
    count(*) AS n_candidates
FROM races AS r
JOIN cutoff AS k USING (state_po, office)
JOIN candidates AS c USING (race_id)
WHERE r.year > k.last_result_year
  AND r.kind IN ('general', 'runoff', 'rcv_final')
  AND ($state IS NULL OR r.state_po = $state)
GROUP BY ALL
