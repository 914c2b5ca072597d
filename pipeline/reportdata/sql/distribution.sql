-- A reservoir sample (at most 4,000, repeatable) of the known durations of one metric in one
-- before/after window of the treated units. $1 unit type, $2 cut-off, $3 pre days, $4 washout
-- days, $5 post days, $6 exclude dropouts, $7 metric, $8 window ('pre' or 'post').
SELECT value
FROM (
    SELECT value
    FROM window_events($1, $2, $3, $4, $5, $6)
    WHERE metric = $7 AND win = $8 AND NOT censored AND value IS NOT NULL
) USING SAMPLE reservoir(4000 ROWS) REPEATABLE (7)
