-- Staging: rename and cast the tables the build wrote from Python. No joins, no logic.

CREATE OR REPLACE VIEW stg_contests AS
SELECT
    race_id,
    CAST(year AS INTEGER)            AS year,
    CAST(election_date AS DATE)      AS election_date,
    state_po,
    office,
    CAST(district AS VARCHAR)        AS district,
    seat,
    plan,
    kind,
    CAST(seats AS INTEGER)           AS seats,
    CAST(dem_votes AS DOUBLE)        AS dem_votes,
    CAST(rep_votes AS DOUBLE)        AS rep_votes,
    CAST(total_votes AS DOUBLE)      AS total_votes,
    CAST(margin AS DOUBLE)           AS margin,
    winner_party,
    status,
    tie,                             -- 'override' (settled by lot, reference table) | 'unresolved' | NULL
    CAST(votes_to_flip AS BIGINT)    AS votes_to_flip,
    CAST(seats_won_dem AS INTEGER)   AS seats_won_dem,
    CAST(seats_won_rep AS INTEGER)   AS seats_won_rep,
    CAST(n_candidates AS INTEGER)    AS n_candidates,
    CAST(non_voting AS BOOLEAN)      AS non_voting,
    source
FROM contest_results;

CREATE OR REPLACE VIEW stg_candidates AS
SELECT
    race_id,
    candidate,
    party,
    party_raw,
    CAST(votes AS DOUBLE)            AS votes,
    CAST(won AS BOOLEAN)             AS won,
    CAST(incumbent AS BOOLEAN)       AS incumbent,
    CAST(writein AS BOOLEAN)         AS writein,
    CAST(party_lines AS INTEGER)     AS party_lines,
    source
FROM contest_candidates;

CREATE OR REPLACE VIEW stg_presidential AS
SELECT
    state_po,
    office,
    CAST(district AS VARCHAR)        AS district,
    plan,
    CAST(lines_year AS INTEGER)      AS lines_year,
    CAST(pres_year AS INTEGER)       AS pres_year,
    CAST(dem_votes AS DOUBLE)        AS dem_votes,
    CAST(rep_votes AS DOUBLE)        AS rep_votes,
    CAST(total_votes AS DOUBLE)      AS total_votes,
    CAST(margin AS DOUBLE)           AS margin,
    margin_basis,
    source
FROM presidential_best;

CREATE OR REPLACE VIEW stg_shapes AS
SELECT state_po, office, CAST(district AS VARCHAR) AS district, CAST(join_district AS VARCHAR) AS join_district,
       plan, plan_label, CAST(lines_year AS INTEGER) AS lines_year, name, CAST(aland AS DOUBLE) AS aland,
       CAST(centroid_lon AS DOUBLE) AS centroid_lon, CAST(centroid_lat AS DOUBLE) AS centroid_lat, geojson
FROM shapes_raw;

CREATE OR REPLACE VIEW stg_sld_districts AS
SELECT state_po, office, CAST(district AS VARCHAR) AS district, seat, district_name, CAST(seats AS INTEGER) AS seats,
       holder_party, holder_detail, holder_names, CAST(vacant_seats AS INTEGER) AS vacant_seats,
       CAST(next_election AS INTEGER) AS next_election, CAST(is_floterial AS BOOLEAN) AS is_floterial,
       CAST(uses_bloc_voting AS BOOLEAN) AS uses_bloc_voting
FROM districts_raw;

CREATE OR REPLACE VIEW stg_house_districts AS
SELECT state_po, office, CAST(district AS VARCHAR) AS district, name, holder_party, holder_names,
       CAST(seats AS INTEGER) AS seats, CAST(next_election AS INTEGER) AS next_election,
       CAST(non_voting AS BOOLEAN) AS non_voting
FROM house_districts;

CREATE OR REPLACE VIEW stg_legislatures AS
SELECT state_po, office, CAST(total_seats AS INTEGER) AS total_seats, CAST(d_seats AS INTEGER) AS d_seats,
       CAST(r_seats AS INTEGER) AS r_seats, CAST(other_seats AS INTEGER) AS other_seats,
       CAST(vacant_seats AS INTEGER) AS vacant_seats, CAST(majority_threshold AS INTEGER) AS majority_threshold,
       control_status
FROM src_multistate_legislatures;
