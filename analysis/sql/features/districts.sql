-- Current districts (one row per district, or per seat where each seat is its own contest).
-- Parameters: $state = state_po filter, or NULL for all states.
SELECT *
FROM districts
WHERE ($state IS NULL OR state_po = $state)
ORDER BY state_po, office, district, seat
