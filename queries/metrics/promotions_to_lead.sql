-- metric: promotions_to_lead
-- title: Team member becoming a team lead in the month (succession)
-- kind: proportion      -- duration | proportion | count
-- better: higher
-- unit: share
-- family: people
-- source: teams.csv
-- level: L4
-- events: every member-month: a person in a team as a member on the last day before a calendar month (that ended before the cut-off) and still in the organisation on its first day
--
-- Value: 1 when a membership of the person with role lead (in any team, their own included)
-- starts in that month, else 0: promotions = sum(value), member-months = count(*). The rate at
-- which a lead's team produces leads is its succession depth. Only months that ended before the
-- cut-off ($cutoff) count. Attributed to the person and the team they were a member of on the day
-- before the month (the team that developed them; overlapping memberships as team_at).
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
    SELECT ms.*, CAST(unnest(generate_series(date_trunc('month', ms.valid_from + 1),
                                             date_trunc('month', least(ms.valid_to + 1, p.cut)),
                                             INTERVAL 1 MONTH)) AS DATE) AS month
    FROM ms CROSS JOIN p
    WHERE ms.valid_from < p.cut
),
at_risk AS (
    SELECT s.person_id, s.month, arg_max(s.team_id, s.valid_from) AS team_id, arg_max(s.role, s.valid_from) AS role
    FROM spans AS s CROSS JOIN p
    WHERE s.month - 1 BETWEEN s.valid_from AND s.valid_to
      AND s.month + INTERVAL 1 MONTH <= p.cut
    GROUP BY s.person_id, s.month
),
promoted AS (
    SELECT DISTINCT r.person_id, r.month
    FROM at_risk AS r
    JOIN ms AS x
      ON x.person_id = r.person_id
     AND x.role = 'lead'
     AND x.valid_from >= r.month
     AND x.valid_from < r.month + INTERVAL 1 MONTH
)
SELECT
    'promotions_to_lead:' || r.person_id || '|' || strftime(r.month, '%Y-%m') AS event_id,
    r.person_id                                                        AS person_id,
    r.team_id                                                          AS team_id,
    timezone('UTC', CAST(r.month AS TIMESTAMP))                        AS occurred_at,
    (v.person_id IS NOT NULL)::INTEGER::DOUBLE                         AS value,
    false                                                              AS censored
FROM at_risk AS r
JOIN last_day AS l ON l.person_id = r.person_id AND l.last_day >= r.month
LEFT JOIN promoted AS v ON v.person_id = r.person_id AND v.month = r.month
WHERE r.role = 'member'
