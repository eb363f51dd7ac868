-- Presidential results by district and plan (district lines). Two-party margin rebuilt from the
-- vote counts where both are known, else the published margin on its stated basis.
-- Parameters: $state = state_po filter, or NULL for all states.
SELECT
    state_po, office, district, plan, pres_year, dem_votes, rep_votes, total_votes,
    CASE WHEN dem_votes + rep_votes > 0
         THEN 100.0 * (dem_votes - rep_votes) / (dem_votes + rep_votes) ELSE margin END AS margin,
    CASE WHEN dem_votes + rep_votes > 0 THEN 'two_party' ELSE margin_basis END AS margin_basis,
    source
FROM presidential
WHERE (margin IS NOT NULL OR dem_votes + rep_votes > 0)
  AND ($state IS NULL OR state_po = $state)
