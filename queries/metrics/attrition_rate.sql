-- metric: attrition_rate
-- title: Team member leaving the organisation in the month
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: people
-- source: teams.csv
-- level: L4
-- events: every member-month: a person in a team as a member (not its lead) on the first day of a calendar month that ended before the cut-off
--
-- Value: 1 when the person's last day in any team (team_memberships, all files; a membership still
-- open has no last day) falls in that month, else 0: leavers = sum(value), member-months =
-- count(*). Moving to another team is not leaving (see internal_moves). Only months that ended
-- before the cut-off ($cutoff) count, so a leave not yet recorded cannot bias the share. Attributed
-- to the person and the team they were in on the month's first day (when memberships overlap, the
-- one that started last, as team_at), so a lead's own team carries its members' leaves.
WITH p AS (
    SELECT CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE) AS cut
),
ms AS (
    SELECT person_id, team_id, role, valid_from, coalesce(valid_to, DATE '9999-12-31') AS valid_to
    FROM team_memberships
),
last_day AS (
    SELECT person_id, max(valid_to) AS last_day
    FROM ms
    GROUP BY person_id
),
spans AS (
    SELECT ms.*, CAST(unnest(generate_series(date_trunc('month', ms.valid_from),
                                             date_trunc('month', least(ms.valid_to, p.cut)),
                                             INTERVAL 1 MONTH)) AS DATE) AS month
    FROM ms CROSS JOIN p
    WHERE ms.valid_from < p.cut
),
at_risk AS (
    SELECT s.person_id, s.month, arg_max(s.team_id, s.valid_from) AS team_id, arg_max(s.role, s.valid_from) AS role
    FROM spans AS s CROSS JOIN p
    WHERE s.month BETWEEN s.valid_from AND s.valid_to
      AND s.month + INTERVAL 1 MONTH <= p.cut
    GROUP BY s.person_id, s.month
)
SELECT
    'attrition_rate:' || r.person_id || '|' || strftime(r.month, '%Y-%m') AS event_id,
    r.person_id                                                        AS person_id,
    r.team_id                                                          AS team_id,
    timezone('UTC', CAST(r.month AS TIMESTAMP))                        AS occurred_at,
    (l.last_day >= r.month AND l.last_day < r.month + INTERVAL 1 MONTH)::INTEGER::DOUBLE AS value,
    false                                                              AS censored
FROM at_risk AS r
JOIN last_day AS l ON l.person_id = r.person_id
WHERE r.role = 'member'
