-- phase(treated_at, ts): where an event at ts falls relative to its unit's treatment date:
-- 'untreated' (no treatment date), 'pre' (before treated_at), 'washout' (the 30 days after it, the
-- default analysis.washout_days, left out of both periods) or 'post'. The analysis itself uses the
-- configured washout; this label is for browsing.
CREATE OR REPLACE MACRO phase(treated_at, ts) AS
    CASE
        WHEN treated_at IS NULL THEN 'untreated'
        WHEN CAST(timezone('UTC', ts) AS DATE) < treated_at THEN 'pre'
        WHEN CAST(timezone('UTC', ts) AS DATE) < treated_at + INTERVAL 30 DAY THEN 'washout'
        ELSE 'post'
    END
