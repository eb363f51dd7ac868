-- Decisive regular contests per seat and year, with incumbency from the candidate lists.
-- Parameters: $state = state_po filter, or NULL for all states.
-- One row per (state_po, office, district, seat, year): the runoff when one was held (it decided
-- the seat: LA General_Runoff, GA), else the ranked-choice final round, else the general.
-- Specials are left out: they fill a vacancy mid-term and are not the seat's regular cycle.
-- Contests after a chamber's latest contested result are upcoming (listed, no votes yet) and are
-- left out too, so a pending 2026 race with one filed candidate is never read as a result.
WITH cutoff AS (
    SELECT state_po, office, max(year) AS last_result_year
    FROM races
    WHERE status = 'contested' AND kind IN ('general', 'runoff', 'rcv_final')
    GROUP BY ALL
),
incumbency AS (
    SELECT
        race_id,
        bool_or(incumbent AND party = 'DEM') AS inc_dem,
        bool_or(incumbent AND party = 'REP') AS inc_rep,
        count(incumbent) > 0 AS inc_known
    FROM candidates
    GROUP BY race_id
),
decisive AS (
    SELECT
        r.*,
        i.inc_dem,
        i.inc_rep,
        i.inc_known,
        row_number() OVER (
            PARTITION BY r.state_po, r.office, r.district, coalesce(r.seat, ''), r.year
            ORDER BY CASE r.kind WHEN 'runoff' THEN 1 WHEN 'rcv_final' THEN 2 ELSE 3 END
        ) AS pick
    FROM races AS r
    JOIN cutoff AS c USING (state_po, office)
    LEFT JOIN incumbency AS i USING (race_id)
    WHERE r.kind IN ('general', 'runoff', 'rcv_final')
      AND r.year <= c.last_result_year
      AND NOT coalesce(r.non_voting, false)
      AND r.status <> 'unusable'
      AND ($state IS NULL OR r.state_po = $state)
)
SELECT
    race_id, state_po, office, district, nullif(seat, '') AS seat, plan, year, election_date, kind, seats,
    dem_votes, rep_votes, total_votes, margin, winner_party, status, votes_to_flip,
    seats_won_dem, seats_won_rep, inc_dem, inc_rep, inc_known
FROM decisive
WHERE pick = 1
ORDER BY state_po, office, district, seat, year
