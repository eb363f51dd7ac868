-- US House incumbency by seat and cycle (2000-2022) from the house_members source, for contests
-- whose candidate rows carry no incumbent flag (MEDSL House returns have none).
-- Parameters: $state = state_po filter, or NULL for all states.
SELECT
    state_po, office, district, CAST(year AS INTEGER) AS year,
    incumbent_running = 'DEM' AS inc_dem,
    incumbent_running = 'REP' AS inc_rep,
    true AS inc_known
FROM src_house_members_incumbency
WHERE ($state IS NULL OR state_po = $state)
