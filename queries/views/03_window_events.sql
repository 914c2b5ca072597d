-- window_events(p_unit_type, p_cutoff, p_pre_days, p_washout_days, p_post_days, p_exclude_dropouts):
-- every metric event of a treated unit that falls in one of its before/after windows, labelled
-- win = 'pre' (the p_pre_days days before treated_at) or 'post' (the p_post_days days from
-- treated_at + p_washout_days on); events at or after the cut-off are left out. Units not yet
-- treated are skipped, dropouts too when p_exclude_dropouts. The analysis builds its before/after
-- comparison and its Kaplan–Meier curves from this; analysts can call it directly, e.g.
--   SELECT * FROM window_events('team', TIMESTAMPTZ '2026-01-01', 180, 30, 180, true) LIMIT 10;
CREATE OR REPLACE MACRO window_events(p_unit_type, p_cutoff, p_pre_days, p_washout_days, p_post_days, p_exclude_dropouts) AS TABLE
WITH units AS (
    -- The window bounds are computed once per unit, not once per event.
    SELECT
        unit_id,
        CAST(treated_at AS TIMESTAMP)                                                     AS t0,
        CAST(treated_at AS TIMESTAMP) - to_days(CAST(p_pre_days AS INTEGER))              AS pre_from,
        CAST(treated_at AS TIMESTAMP) + to_days(CAST(p_washout_days AS INTEGER))          AS post_from,
        CAST(treated_at AS TIMESTAMP)
            + to_days(CAST(p_washout_days AS INTEGER) + CAST(p_post_days AS INTEGER))     AS post_to
    FROM exposure
    WHERE unit_type = p_unit_type
      AND treated_at IS NOT NULL
      AND status <> 'not_yet'
      AND NOT (status = 'dropout' AND p_exclude_dropouts)
      AND treated_at < CAST(timezone('UTC', CAST(p_cutoff AS TIMESTAMPTZ)) AS DATE)
),
events AS (
    SELECT
        m.metric,
        u.unit_id,
        CASE
            WHEN ts >= u.pre_from AND ts < u.t0 THEN 'pre'
            WHEN ts >= u.post_from AND ts < u.post_to THEN 'post'
        END                                                            AS win,
        m.value,
        m.censored
    FROM (SELECT metric,
                 CASE WHEN p_unit_type = 'team' THEN team_id ELSE person_id END AS unit_id,
                 make_timestamp(epoch_us(occurred_at)) AS ts, -- = timezone('UTC', occurred_at), without a time-zone lookup per event
                 value,
                 censored
          FROM metric_events
          WHERE occurred_at < CAST(p_cutoff AS TIMESTAMPTZ) AND value IS NOT NULL) AS m
    JOIN units AS u ON u.unit_id = m.unit_id
)
SELECT metric, unit_id, win, value, censored
FROM events
WHERE win IS NOT NULL;
