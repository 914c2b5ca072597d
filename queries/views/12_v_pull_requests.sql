-- v_pull_requests: pull requests (deleted ones left out) with the author's person and team at
-- opening, that team's treatment status and date, the phase relative to it, lead time and review
-- counts.
CREATE OR REPLACE VIEW v_pull_requests AS
SELECT
    p.pr_id,
    p.repo,
    p.number,
    p.title,
    p.state,
    p.created_at,
    p.first_commit_at,
    p.merged_at,
    (epoch(p.merged_at) - epoch(p.first_commit_at)) / 3600.0   AS lead_time_hours,
    p.commit_count,
    p.is_revert,
    (SELECT count(*) FROM pr_reviews r WHERE r.pr_id = p.pr_id AND r.state = 'CHANGES_REQUESTED') AS changes_requested,
    (SELECT count(*) FROM pr_reviews r WHERE r.pr_id = p.pr_id AND r.state = 'APPROVED')          AS approvals,
    a.person_id,
    team_at(a.person_id, p.created_at)                           AS team_id,
    e.status                                                     AS team_status,
    e.treated_at                                                 AS team_treated_at,
    phase(e.treated_at, p.created_at)                            AS phase
FROM pull_requests AS p
LEFT JOIN accounts AS a ON a.account_id = p.author_account_id AND NOT a.is_bot
LEFT JOIN exposure AS e ON e.unit_type = 'team' AND e.unit_id = team_at(a.person_id, p.created_at)
WHERE p.deleted_at IS NULL
