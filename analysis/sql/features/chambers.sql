-- Current chamber composition and majority thresholds (US House as state_po 'US').
SELECT * FROM chambers ORDER BY state_po, office
