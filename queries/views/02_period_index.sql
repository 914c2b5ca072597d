-- period_index(d, kind): the analysis period containing date d as a consecutive integer, for kind
-- 'month' (months since 1970-01), 'quarter' (quarters since 1970-Q1) or 'week' (ISO weeks, Monday
-- first, since 1969-12-29). The DiD panels number their periods with it, so period_index(d) + 1 is
-- always the next period.
CREATE OR REPLACE MACRO period_index(d, kind) AS
    CASE kind
        WHEN 'month'   THEN date_diff('month', DATE '1970-01-01', CAST(d AS DATE))
        WHEN 'quarter' THEN date_diff('quarter', DATE '1970-01-01', CAST(d AS DATE))
        WHEN 'week'    THEN (CAST(d AS DATE) - DATE '1969-12-29') // 7
    END
