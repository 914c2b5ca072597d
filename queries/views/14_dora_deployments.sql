-- dora_deployments(p_cutoff): every successful production deployment (deployments, which holds the
-- configured production environments only; finished_at = its first success) finished before the
-- cut-off p_cutoff, with what the DORA metrics need. The linkage rules:
--   owner          the author of the last merged pull request it shipped (deployment_prs; a matched,
--                  non-bot account), else its creator when that is a matched person; team_id is
--                  that person's team when the deployment was created.
--   failure        an incident of a service linked to the repository (v_service_repos) triggered
--                  within setting('dora.failure_window_hours', 24) hours after the deployment
--                  finished is that deployment's failure — each incident is charged to the
--                  repository's last deployment finished before it, within the window; or a pull
--                  request it shipped was reverted by a pull request opened after it finished.
--                  failed_at is the earliest such incident trigger or revert, before p_cutoff.
--   window_closed  finished_at + the window <= p_cutoff: every incident that could make it a failure
--                  is known (change_failure_rate counts only these).
--   recovered_at   the first of: the next deployment of the same repository finished after
--                  failed_at, and the resolution of the failing incident; NULL when neither
--                  happened before p_cutoff.
--   unplanned      it shipped a revert, or was created while an incident of a linked service
--                  triggered within the window before it was open, or shipped a pull request whose
--                  title names the key of a Jira issue of type Bug (deployment_rework_rate).
CREATE OR REPLACE MACRO dora_deployments(p_cutoff) AS TABLE
WITH params AS (
    SELECT
        CAST(p_cutoff AS TIMESTAMPTZ)                                                        AS cutoff,
        to_seconds(CAST(round(setting('dora.failure_window_hours', 24) * 3600) AS BIGINT))   AS win
),
dep AS (
    SELECT d.deployment_id, d.repo, d.created_at, d.finished_at, d.creator_account_id
    FROM deployments AS d, params AS p
    WHERE d.deleted_at IS NULL
      AND d.finished_at IS NOT NULL
      AND d.finished_at < p.cutoff
),
shipped AS (
    SELECT dp.deployment_id, pr.pr_id, pr.repo, pr.title, pr.merged_at, pr.author_account_id, pr.is_revert
    FROM deployment_prs AS dp
    JOIN dep AS d ON d.deployment_id = dp.deployment_id
    JOIN pull_requests AS pr ON pr.pr_id = dp.pr_id AND pr.deleted_at IS NULL
),
owner AS (
    SELECT s.deployment_id, arg_max(a.person_id, s.merged_at) AS person_id
    FROM shipped AS s
    JOIN accounts AS a ON a.account_id = s.author_account_id AND NOT a.is_bot AND a.person_id IS NOT NULL
    WHERE s.merged_at IS NOT NULL
    GROUP BY s.deployment_id
),
linked AS (
    SELECT DISTINCT i.incident_id, i.created_at, i.resolved_at, l.repo
    FROM incidents AS i
    JOIN v_service_repos AS l ON l.service_id = i.service_id
    CROSS JOIN params AS p
    WHERE i.deleted_at IS NULL
      AND i.created_at < p.cutoff
),
caused AS (
    SELECT l.incident_id, l.created_at, l.resolved_at, arg_max(d.deployment_id, d.finished_at) AS deployment_id
    FROM linked AS l
    CROSS JOIN params AS p
    JOIN dep AS d ON d.repo = l.repo
    WHERE d.finished_at <= l.created_at
      AND d.finished_at >= l.created_at - p.win
    GROUP BY l.incident_id, l.created_at, l.resolved_at
),
incident_failure AS (
    SELECT deployment_id, min(created_at) AS failed_at, arg_min(resolved_at, created_at) AS resolved_at
    FROM caused
    GROUP BY deployment_id
),
revert_failure AS (
    SELECT s.deployment_id, min(r.created_at) AS reverted_at
    FROM shipped AS s
    JOIN dep AS d ON d.deployment_id = s.deployment_id
    JOIN pull_requests AS r
      ON r.is_revert
     AND r.deleted_at IS NULL
     AND (r.reverts_pr_id = s.pr_id OR (r.repo = s.repo AND r.title = 'Revert "' || s.title || '"'))
    CROSS JOIN params AS p
    WHERE NOT s.is_revert
      AND r.created_at >= d.finished_at
      AND r.created_at < p.cutoff
    GROUP BY s.deployment_id
),
failure AS (
    SELECT d.deployment_id, d.repo,
           least(coalesce(f.failed_at, v.reverted_at), coalesce(v.reverted_at, f.failed_at)) AS failed_at,
           f.failed_at IS NOT NULL AS by_incident,
           v.reverted_at IS NOT NULL AS by_revert,
           f.resolved_at AS incident_resolved_at
    FROM dep AS d
    LEFT JOIN incident_failure AS f ON f.deployment_id = d.deployment_id
    LEFT JOIN revert_failure AS v ON v.deployment_id = d.deployment_id
    WHERE f.deployment_id IS NOT NULL OR v.deployment_id IS NOT NULL
),
next_deployment AS (
    SELECT f.deployment_id, min(n.finished_at) AS next_at
    FROM failure AS f
    JOIN dep AS n ON n.repo = f.repo AND n.finished_at > f.failed_at
    GROUP BY f.deployment_id
),
fixes_incident AS (
    SELECT DISTINCT d.deployment_id
    FROM dep AS d
    CROSS JOIN params AS p
    JOIN linked AS l ON l.repo = d.repo
    WHERE l.created_at <= d.created_at
      AND l.created_at >= d.created_at - p.win
      AND (l.resolved_at IS NULL OR l.resolved_at >= d.created_at)
),
fixes_bug AS (
    SELECT DISTINCT k.deployment_id
    FROM (SELECT deployment_id, unnest(regexp_extract_all(coalesce(title, ''), '[A-Z][A-Z0-9_]+-[0-9]+')) AS key
          FROM shipped) AS k
    JOIN tickets AS t ON t.key = k.key AND t.deleted_at IS NULL AND lower(t.issue_type) = 'bug'
),
ships_revert AS (
    SELECT DISTINCT deployment_id FROM shipped WHERE is_revert
)
SELECT
    d.deployment_id,
    d.repo,
    d.created_at,
    d.finished_at,
    coalesce(o.person_id, c.person_id)                                 AS person_id,
    team_at(coalesce(o.person_id, c.person_id), d.created_at)          AS team_id,
    d.finished_at + p.win <= p.cutoff                                  AS window_closed,
    coalesce(f.by_incident, false)                                     AS failed_by_incident,
    coalesce(f.by_revert, false)                                       AS failed_by_revert,
    f.failed_at,
    CASE WHEN f.failed_at IS NOT NULL THEN
        least(coalesce(x.next_at, r.resolved_at), coalesce(r.resolved_at, x.next_at))
    END                                                                AS recovered_at,
    (sr.deployment_id IS NOT NULL OR fi.deployment_id IS NOT NULL
        OR fb.deployment_id IS NOT NULL)                               AS unplanned
FROM dep AS d
CROSS JOIN params AS p
LEFT JOIN owner AS o ON o.deployment_id = d.deployment_id
LEFT JOIN accounts AS c ON c.account_id = d.creator_account_id AND NOT c.is_bot
LEFT JOIN failure AS f ON f.deployment_id = d.deployment_id
LEFT JOIN next_deployment AS x ON x.deployment_id = d.deployment_id
LEFT JOIN (SELECT deployment_id, incident_resolved_at AS resolved_at FROM failure
           WHERE incident_resolved_at < (SELECT cutoff FROM params)
             AND incident_resolved_at >= failed_at) AS r ON r.deployment_id = d.deployment_id
LEFT JOIN ships_revert AS sr ON sr.deployment_id = d.deployment_id
LEFT JOIN fixes_incident AS fi ON fi.deployment_id = d.deployment_id
LEFT JOIN fixes_bug AS fb ON fb.deployment_id = d.deployment_id
