-- metric: pr_reverted
-- title: Merged pull request later reverted
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: rework
-- source: github
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every pull request merged before the cut-off (revert pull requests themselves excluded)
--
-- Value: 1 when another pull request opened before the cut-off ($cutoff) reverts it — it names this
-- one in reverts_pr_id (found by the connector from `This reverts commit <sha>`), or it is titled
-- Revert "<this title>" in the same repository — else 0. Attributed to the author and that
-- person's team when the pull request was opened.
WITH merged AS (
    SELECT pr_id, repo, title, created_at, author_account_id
    FROM pull_requests
    WHERE deleted_at IS NULL
      AND NOT is_revert
      AND merged_at IS NOT NULL
      AND merged_at < CAST($cutoff AS TIMESTAMPTZ)
),
reverts AS (
    SELECT pr_id, repo, title, reverts_pr_id
    FROM pull_requests
    WHERE deleted_at IS NULL
      AND is_revert
      AND created_at < CAST($cutoff AS TIMESTAMPTZ)
),
reverted AS (
    SELECT DISTINCT m.pr_id
    FROM merged AS m
    JOIN reverts AS r
      ON r.reverts_pr_id = m.pr_id
      OR (r.repo = m.repo AND r.title = 'Revert "' || m.title || '"')
)
SELECT
    m.pr_id                                                            AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, m.created_at)                                 AS team_id,
    m.created_at                                                       AS occurred_at,
    CASE WHEN v.pr_id IS NULL THEN 0.0 ELSE 1.0 END                    AS value,
    false                                                              AS censored
FROM merged AS m
LEFT JOIN reverted AS v ON v.pr_id = m.pr_id
LEFT JOIN accounts AS a ON a.account_id = m.author_account_id AND NOT a.is_bot
