-- metric: change_lead_time_hours
-- title: Change lead time (first commit to production)
-- kind: duration        -- duration | proportion | count
-- better: lower
-- unit: hours
-- outcome: restricted_mean_log   -- DiD cell outcome: mean ln min(value, horizon); README "Censored durations"
-- horizon: 240                   -- hours; events younger than this at the cut-off wait for the next analysis
-- family: lead time
-- source: github
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every pull request with commits merged before the cut-off
--
-- Value: finish of the first successful production deployment that shipped the merge
-- (deployment_prs) − author date of the first commit, in hours. A merged pull request not yet
-- deployed at the cut-off ($cutoff) is censored at the cut-off. Attributed to the author and that
-- person's team when the pull request was opened.
WITH merged AS (
    SELECT pr_id, created_at, first_commit_at, author_account_id
    FROM pull_requests
    WHERE deleted_at IS NULL
      AND first_commit_at IS NOT NULL
      AND merged_at IS NOT NULL
      AND merged_at < CAST($cutoff AS TIMESTAMPTZ)
),
shipped AS (
    SELECT dp.pr_id, min(d.finished_at) AS deployed_at
    FROM deployment_prs AS dp
    JOIN deployments AS d ON d.deployment_id = dp.deployment_id
    WHERE d.deleted_at IS NULL
      AND d.finished_at IS NOT NULL
      AND d.finished_at < CAST($cutoff AS TIMESTAMPTZ)
    GROUP BY dp.pr_id
)
SELECT
    m.pr_id                                                            AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, m.created_at)                                 AS team_id,
    m.created_at                                                       AS occurred_at,
    greatest(0.0, (epoch(coalesce(s.deployed_at, CAST($cutoff AS TIMESTAMPTZ)))
        - epoch(m.first_commit_at)) / 3600.0)                          AS value,
    s.deployed_at IS NULL                                              AS censored
FROM merged AS m
LEFT JOIN shipped AS s ON s.pr_id = m.pr_id
LEFT JOIN accounts AS a ON a.account_id = m.author_account_id AND NOT a.is_bot
