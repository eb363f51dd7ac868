-- Democratic and Republican candidates of bloc-vote contests (one contest fills several seats),
-- for the seat-by-seat pairing in features.bloc_seat_margins.
-- Parameters: $state = state_po filter, or NULL for all states.
SELECT r.race_id, c.party, c.votes
FROM races AS r
JOIN candidates AS c USING (race_id)
WHERE r.seats > 1
  AND r.kind IN ('general', 'runoff', 'rcv_final')
  AND c.party IN ('DEM', 'REP')
  AND NOT coalesce(c.writein, false)
  AND c.votes IS NOT NULL
  AND ($state IS NULL OR r.state_po = $state)
