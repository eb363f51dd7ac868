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
