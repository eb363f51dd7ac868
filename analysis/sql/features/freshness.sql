-- How fresh the data is: the latest regular and the latest special result, and the latest
-- presidential baseline.
SELECT
    (SELECT max(election_date) FROM races
      WHERE status = 'contested' AND kind IN ('general', 'runoff', 'rcv_final')) AS latest_general_date,
    (SELECT max(year) FROM races
      WHERE status = 'contested' AND kind IN ('general', 'runoff', 'rcv_final')) AS latest_general_year,
    (SELECT max(election_date) FROM races WHERE status = 'contested') AS latest_result_date,
    (SELECT max(pres_year) FROM presidential) AS latest_pres_year
