-- metric: deployment_frequency
-- title: Production deployments per team-week
-- kind: count           -- duration | proportion | count
-- better: higher
-- unit: count
-- family: delivery (DORA)
-- source: github
-- level: L4
-- events: every full week (Monday 00:00 UTC) of every delivering team, from the week of the first deployment in the warehouse to the last week ending by the cut-off
--
-- Value: the number of successful production deployments (dora_deployments: finished before the
-- cut-off $cutoff) owned by the team — the owner is the author of the last merged pull request the
-- deployment shipped, else its creator — that finished in the week. A delivering team owned at
-- least one such deployment; a week counts for it when it had at least one member then, so weeks
-- without deployments are events with value 0. Numerator and denominator stay recoverable:
-- deployments = sum(value), team-weeks = count(*). The event's person is the team's lead that week
-- (lead_at), so the people behind a team's events are counted through its leads.
WITH all_deployments AS MATERIALIZED (
    SELECT team_id, date_trunc('week', timezone('UTC', finished_at)) AS week
    FROM dora_deployments(CAST($cutoff AS TIMESTAMPTZ))
),
d AS (
    SELECT team_id, week FROM all_deployments WHERE team_id IS NOT NULL
),
span AS (
    SELECT
        (SELECT min(week) FROM all_deployments)                                            AS first_week,
        date_trunc('week', timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) - INTERVAL 7 DAY) AS last_week
),
weeks AS (
    SELECT CAST(w.week AS TIMESTAMP) AS week
    FROM span AS s, generate_series(s.first_week, s.last_week, INTERVAL 7 DAY) AS w(week)
    WHERE s.first_week IS NOT NULL AND s.first_week <= s.last_week
),
team_weeks AS (
    SELECT t.team_id, w.week
    FROM (SELECT DISTINCT team_id FROM d) AS t
    CROSS JOIN weeks AS w
    WHERE EXISTS (
        SELECT 1 FROM team_memberships AS m
        WHERE m.team_id = t.team_id
          AND m.valid_from <= CAST(w.week AS DATE) + 6
          AND coalesce(m.valid_to, DATE '9999-12-31') >= CAST(w.week AS DATE))
),
counts AS (
    SELECT team_id, week, count(*) AS n
    FROM d
    GROUP BY team_id, week
)
SELECT
    'deployment_frequency:' || tw.team_id || '|' || strftime(tw.week, '%Y-%m-%d') AS event_id,
    lead_at(tw.team_id, timezone('UTC', tw.week))                      AS person_id,
    tw.team_id                                                         AS team_id,
    timezone('UTC', tw.week)                                           AS occurred_at,
    coalesce(c.n, 0)::DOUBLE                                           AS value,
    false                                                              AS censored
FROM team_weeks AS tw
LEFT JOIN counts AS c ON c.team_id = tw.team_id AND c.week = tw.week
