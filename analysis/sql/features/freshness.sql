-- How fresh the data is: the latest contested result, and the latest presidential baseline.
SELECT
    (SELECT max(election_date) FROM races WHERE status = 'contested') AS latest_result_date,
    (SELECT max(year) FROM races WHERE status = 'contested') AS latest_result_year,
    (SELECT max(pres_year) FROM presidential) AS latest_pres_year
