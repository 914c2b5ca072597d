-- metric: pr_lead_time_hours
-- title: Pull request lead time (first commit to merge)
-- kind: duration        -- duration | proportion | count
-- better: lower
-- unit: hours
-- outcome: restricted_mean_log   -- DiD cell outcome: mean ln min(value, horizon); README "Censored durations"
-- horizon: 168                   -- hours; events younger than this at the cut-off wait for the next analysis
-- family: lead time
-- source: github
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every pull request with commits opened before the cut-off, except those closed unmerged
--
-- Value: merged_at − author date of the first commit, in hours. A pull request still open at the
-- cut-off ($cutoff) is censored at the cut-off; one closed without merging never gets a lead time
-- and is left out. Attributed to the author and that person's team when the pull request was
-- opened.
WITH p AS (
    SELECT
        pr_id,
        created_at,
        first_commit_at,
        author_account_id,
        merged_at IS NOT NULL AND merged_at < CAST($cutoff AS TIMESTAMPTZ)   AS merged,
        merged_at
    FROM pull_requests
    WHERE deleted_at IS NULL
      AND first_commit_at IS NOT NULL
      AND created_at < CAST($cutoff AS TIMESTAMPTZ)
      -- closed unmerged before the cut-off: no lead time will ever exist
      AND NOT (merged_at IS NULL AND closed_at IS NOT NULL AND closed_at < CAST($cutoff AS TIMESTAMPTZ))
)
SELECT
    p.pr_id                                                            AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, p.created_at)                                 AS team_id,
    p.created_at                                                       AS occurred_at,
    greatest(0.0, (epoch(CASE WHEN p.merged THEN p.merged_at ELSE CAST($cutoff AS TIMESTAMPTZ) END)
        - epoch(p.first_commit_at)) / 3600.0)                          AS value,
    NOT p.merged                                                       AS censored
FROM p
LEFT JOIN accounts AS a ON a.account_id = p.author_account_id AND NOT a.is_bot
