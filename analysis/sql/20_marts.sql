-- Marts: the public interface analysts and the app query (docs/CONTRACT.md). Joins live here.

CREATE OR REPLACE VIEW races AS
SELECT * FROM stg_contests;

CREATE OR REPLACE VIEW candidates AS
SELECT * FROM stg_candidates;

CREATE OR REPLACE VIEW presidential AS
WITH plan_starts AS (
    SELECT state_po, office, max(first_year) AS current_first_year
    FROM plans
    GROUP BY ALL
)
SELECT
    p.*,
    -- lines older than the chamber's current plan (e.g. Daily Kos 2012/2016 on 2010s lines)
    (TRY_CAST(p.plan AS INTEGER) IS NULL OR TRY_CAST(p.plan AS INTEGER) < s.current_first_year) AS old_lines
FROM stg_presidential AS p
LEFT JOIN plan_starts AS s USING (state_po, office);

CREATE OR REPLACE VIEW district_shapes AS
-- Current lines only: the 119th Congress (2024) and the 2024 TIGER legislative districts.
-- `district` is the results' id; `part` tells apart the pieces one district is drawn from
-- (ND 4A/4B and SD 26A/B, 28A/B are one two-seat district each in the results).
WITH latest AS (
    SELECT office, max(lines_year) AS lines_year FROM stg_shapes GROUP BY ALL
)
SELECT s.state_po, s.office, s.join_district AS district, s.district AS part, s.plan, s.name,
       s.centroid_lon, s.centroid_lat, s.aland, s.geojson
FROM stg_shapes AS s
JOIN latest USING (office, lines_year);

CREATE OR REPLACE VIEW districts AS
WITH current_plan AS (
    SELECT state_po, office, CAST(max(first_year) AS VARCHAR) AS plan FROM plans GROUP BY ALL
),
state_leg AS (
    SELECT state_po, office, district, seat, district_name AS name, seats, holder_party, holder_detail,
           holder_names, vacant_seats, next_election, is_floterial, uses_bloc_voting, FALSE AS non_voting
    FROM stg_sld_districts
),
house AS (
    SELECT state_po, office, district, NULL AS seat, name, seats, holder_party, NULL AS holder_detail,
           holder_names, CASE WHEN holder_party = 'VACANT' THEN 1 ELSE 0 END AS vacant_seats, next_election,
           FALSE AS is_floterial, FALSE AS uses_bloc_voting, non_voting
    FROM stg_house_districts
),
all_districts AS (
    SELECT * FROM state_leg UNION ALL BY NAME SELECT * FROM house
),
recent AS (
    SELECT DISTINCT r.state_po, r.office, r.district, coalesce(r.seat, '') AS seat_key
    FROM stg_contests AS r JOIN current_plan AS p USING (state_po, office, plan)
    WHERE r.kind IN ('general', 'runoff', 'special', 'special_runoff') AND r.winner_party IS NOT NULL
),
pres AS (
    SELECT DISTINCT p.state_po, p.office, p.district
    FROM stg_presidential AS p JOIN current_plan AS c USING (state_po, office, plan)
),
last_general AS (
    -- The last regular general (or its runoff) on the current plan, per district and seat.
    SELECT r.state_po, r.office, r.district, coalesce(r.seat, '') AS seat_key, r.winner_party, r.year
    FROM stg_contests AS r JOIN current_plan AS p USING (state_po, office, plan)
    WHERE r.kind IN ('general', 'runoff') AND r.winner_party IN ('DEM', 'REP')
    QUALIFY row_number() OVER (PARTITION BY r.state_po, r.office, r.district, coalesce(r.seat, '')
                               ORDER BY r.year DESC, r.kind = 'runoff' DESC) = 1
),
later_special AS (
    SELECT DISTINCT r.state_po, r.office, r.district, coalesce(r.seat, '') AS seat_key
    FROM stg_contests AS r JOIN last_general AS g
      ON g.state_po = r.state_po AND g.office = r.office AND g.district = r.district
     AND g.seat_key = coalesce(r.seat, '') AND r.year >= g.year
    WHERE r.kind LIKE 'special%'
),
shaped AS (
    SELECT DISTINCT state_po, office, join_district AS district FROM stg_shapes
    WHERE (office = 'us_house' AND lines_year = (SELECT max(lines_year) FROM stg_shapes WHERE office = 'us_house'))
       OR office <> 'us_house'
)
SELECT d.*, cp.plan,
       (sh.district IS NULL) AS gap_no_geometry,
       (rc.district IS NULL) AS gap_no_recent_result,
       (pr.district IS NULL) AS gap_no_pres_margin,
       -- Holder's party differs from the last general winner's with no special since: a party
       -- switch or a source error (MultiState lists NC House 34's Democrat as a Republican).
       coalesce(d.seats = 1 AND d.holder_party IN ('DEM', 'REP') AND lg.winner_party <> d.holder_party
                AND ls.district IS NULL, FALSE) AS gap_holder_conflict,
       lg.winner_party AS last_general_winner
FROM all_districts AS d
LEFT JOIN current_plan AS cp USING (state_po, office)
LEFT JOIN shaped AS sh USING (state_po, office, district)
LEFT JOIN recent AS rc ON rc.state_po = d.state_po AND rc.office = d.office AND rc.district = d.district
                      AND rc.seat_key = coalesce(d.seat, '')
LEFT JOIN pres AS pr ON pr.state_po = d.state_po AND pr.office = d.office AND pr.district = d.district
LEFT JOIN last_general AS lg ON lg.state_po = d.state_po AND lg.office = d.office AND lg.district = d.district
                            AND lg.seat_key = coalesce(d.seat, '')
LEFT JOIN later_special AS ls ON ls.state_po = d.state_po AND ls.office = d.office AND ls.district = d.district
                             AND ls.seat_key = coalesce(d.seat, '');

CREATE OR REPLACE VIEW specials AS
-- House specials with votes, against the district's presidential baseline on the lines in force:
-- the latest presidential result before the special, on the same plan. Both margins are
-- two-party, points, positive = Democratic; overperformance = special margin - baseline.
WITH sp AS (
    -- Where a ranked-choice final round exists (AK-AL August 2022), it is the result; round one is not.
    SELECT * FROM stg_contests AS c
    WHERE c.office = 'us_house' AND c.kind LIKE 'special%' AND c.dem_votes IS NOT NULL
      AND NOT (c.kind = 'special' AND EXISTS (
          SELECT 1 FROM stg_contests AS f
          WHERE f.kind = 'special_rcv_final' AND f.state_po = c.state_po AND f.office = c.office
            AND f.district = c.district AND f.election_date = c.election_date))
),
base AS (
    SELECT sp.race_id, p.pres_year, p.margin AS pres_margin,
           row_number() OVER (PARTITION BY sp.race_id ORDER BY p.pres_year DESC) AS rn
    FROM sp JOIN stg_presidential AS p
      ON p.state_po = sp.state_po AND p.office = sp.office AND p.district = sp.district
     AND p.plan = sp.plan AND p.pres_year < sp.year + (CASE WHEN month(sp.election_date) >= 11 THEN 1 ELSE 0 END)
)
SELECT sp.race_id, sp.state_po, sp.district, sp.election_date, sp.year, sp.kind, sp.dem_votes, sp.rep_votes,
       sp.total_votes, sp.margin, sp.winner_party, base.pres_year AS baseline_pres_year, base.pres_margin,
       sp.margin - base.pres_margin AS overperformance
FROM sp LEFT JOIN base ON base.race_id = sp.race_id AND base.rn = 1;

CREATE OR REPLACE VIEW chambers AS
SELECT state_po, office, total_seats, d_seats, r_seats, other_seats, vacant_seats, majority_threshold, control_status
FROM stg_legislatures
UNION ALL
SELECT 'US' AS state_po, 'us_house' AS office, count(*) AS total_seats,
       count(*) FILTER (WHERE holder_party = 'DEM') AS d_seats,
       count(*) FILTER (WHERE holder_party = 'REP') AS r_seats,
       count(*) FILTER (WHERE holder_party NOT IN ('DEM', 'REP', 'VACANT')) AS other_seats,
       count(*) FILTER (WHERE holder_party = 'VACANT') AS vacant_seats,
       218 AS majority_threshold,
       CASE WHEN count(*) FILTER (WHERE holder_party = 'REP') >= 218 THEN 'R'
            WHEN count(*) FILTER (WHERE holder_party = 'DEM') >= 218 THEN 'D' ELSE 'none' END AS control_status
FROM stg_house_districts WHERE NOT non_voting;
