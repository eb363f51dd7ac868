-- Incumbency in the next regular contest from the filed candidate lists MultiState publishes for
-- elections not yet held (table src_multistate_upcoming). An incumbent flagged on the list means
-- the incumbent runs; an open seat is taken only from the source's own is_open_seat flag, because
-- a list without the incumbent may just mean filing is still open.
-- Parameters: $state = state_po filter, or NULL for all states.
SELECT
    state_po, office, district, nullif(seat, '') AS seat, CAST(year AS INTEGER) AS year,
    bool_or(incumbent AND party = 'DEM') AS inc_dem,
    bool_or(incumbent AND party = 'REP') AS inc_rep,
    bool_or(coalesce(incumbent, false)) OR bool_or(coalesce(is_open_seat, false)) AS inc_known,
    count(*) AS n_candidates
FROM src_multistate_upcoming
WHERE kind IN ('general', 'runoff', 'rcv_final')
  AND ($state IS NULL OR state_po = $state)
GROUP BY ALL
