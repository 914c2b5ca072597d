-- metric: pr_change_request_rounds
-- title: Change-request rounds before first approval
-- kind: count           -- duration | proportion | count
-- better: lower
-- unit: count
-- family: rework
-- source: github
-- level: L3   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every pull request merged before the cut-off
--
-- Value: the number of CHANGES_REQUESTED reviews submitted before the first APPROVED review (all
-- of them when the pull request was merged without an approval). Attributed to the author and that
-- person's team when the pull request was opened.
WITH merged AS (
    SELECT pr_id, created_at, author_account_id
    FROM pull_requests
    WHERE deleted_at IS NULL
      AND merged_at IS NOT NULL
      AND merged_at < CAST($cutoff AS TIMESTAMPTZ)
),
first_approval AS (
    SELECT pr_id, min(submitted_at) AS approved_at
    FROM pr_reviews
    WHERE state = 'APPROVED'
    GROUP BY pr_id
),
rounds AS (
    SELECT r.pr_id, count(*) AS n
    FROM pr_reviews AS r
    LEFT JOIN first_approval AS f ON f.pr_id = r.pr_id
    WHERE r.state = 'CHANGES_REQUESTED'
      AND (f.approved_at IS NULL OR r.submitted_at < f.approved_at)
    GROUP BY r.pr_id
)
SELECT
    m.pr_id                                                            AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, m.created_at)                                 AS team_id,
    m.created_at                                                       AS occurred_at,
    coalesce(r.n, 0)::DOUBLE                                           AS value,
    false                                                              AS censored
FROM merged AS m
LEFT JOIN rounds AS r ON r.pr_id = m.pr_id
LEFT JOIN accounts AS a ON a.account_id = m.author_account_id AND NOT a.is_bot
