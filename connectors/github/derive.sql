-- Columns of the GitHub tables computed across records. Statements are separated by lines holding
-- only ";"; each recomputes from the tables (idempotent) and runs after every sync and rebuild.

-- first_commit_at and commit_count from the pull request's commits.
UPDATE pull_requests SET first_commit_at = c.first_at, commit_count = c.n
FROM (SELECT pr_id, min(authored_at) AS first_at, count(*)::INTEGER AS n FROM pr_commits GROUP BY pr_id) AS c
WHERE pull_requests.pr_id = c.pr_id AND pull_requests.source = 'github'
;
-- reverts_pr_id: the merged pull request of the same repository whose merge commit the body names
-- ("This reverts commit <sha>", a prefix of 7+ hex digits is enough); failing that, the latest one
-- merged before the revert was opened whose title is the quoted title (Revert "<title>").
UPDATE pull_requests SET reverts_pr_id = l.target
FROM (
    WITH rev AS (
        SELECT p.pr_id, p.repo, p.created_at,
               lower(regexp_extract(json_extract_string(r.payload, '$.body'), 'This reverts commit ([0-9a-fA-F]{7,40})', 1)) AS sha,
               regexp_extract(p.title, '^Revert "(.*)"$', 1) AS inner_title
        FROM pull_requests p
        JOIN raw_records r ON r.source = 'github' AND r.entity = 'pull_request' AND r.native_id = p.native_id
        WHERE p.source = 'github' AND p.is_revert
    ), cand AS (
        SELECT rev.pr_id, t.pr_id AS target, t.merged_at,
               CASE WHEN rev.sha <> '' AND starts_with(t.merge_commit_sha, rev.sha) THEN 1 ELSE 2 END AS rank
        FROM rev
        JOIN pull_requests t ON t.repo = rev.repo AND t.pr_id <> rev.pr_id AND t.source = 'github'
             AND t.merged_at IS NOT NULL AND t.deleted_at IS NULL
        WHERE (rev.sha <> '' AND starts_with(t.merge_commit_sha, rev.sha))
           OR (rev.inner_title <> '' AND t.title = rev.inner_title AND t.merged_at <= rev.created_at)
    )
    SELECT pr_id, target FROM cand
    QUALIFY row_number() OVER (PARTITION BY pr_id ORDER BY rank, merged_at DESC, target) = 1
) AS l
WHERE pull_requests.pr_id = l.pr_id
;
-- A deployment's status is its latest status (by creation, then id); finished_at is the time of its
-- first success status (it stays set when a newer deployment makes it inactive).
UPDATE deployments SET status = s.state, finished_at = s.finished
FROM (
    SELECT deployment_id,
           max(CASE WHEN rn = 1 THEN state END) AS state,
           min(CASE WHEN state = 'success' THEN created END) AS finished
    FROM (
        SELECT 'github:deployment:' || regexp_extract(json_extract_string(payload, '$.deployment_url'), '/deployments/([0-9]+)$', 1) AS deployment_id,
               json_extract_string(payload, '$.state') AS state,
               updated_at AS created,
               row_number() OVER (PARTITION BY deployment_id ORDER BY updated_at DESC, native_id::BIGINT DESC) AS rn
        FROM raw_records
        WHERE source = 'github' AND entity = 'deployment_status' AND deleted_at IS NULL
    )
    GROUP BY deployment_id
) AS s
WHERE deployments.deployment_id = s.deployment_id
;
-- deployment_prs, the linking rule (see doc.go): a production deployment ships the pull requests
-- of its repository merged into the default branch after the creation of the previous successful
-- deployment to the same environment (one with a success status) and at or before its own
-- creation. A failed deployment ships them too; the next successful one ships them again.
DELETE FROM deployment_prs WHERE deployment_id LIKE 'github:deployment:%'
;
INSERT INTO deployment_prs (deployment_id, pr_id)
WITH d AS (
    SELECT deployment_id, repo, environment, created_at FROM deployments WHERE source = 'github' AND deleted_at IS NULL
), prev AS (
    SELECT d.deployment_id, d.repo, d.created_at,
           (SELECT max(p.created_at) FROM deployments p
            WHERE p.source = 'github' AND p.deleted_at IS NULL AND p.repo = d.repo AND p.environment = d.environment
              AND p.finished_at IS NOT NULL AND p.created_at < d.created_at) AS prev_ok
    FROM d
)
SELECT DISTINCT prev.deployment_id, pr.pr_id
FROM prev
JOIN pull_requests pr ON pr.repo = prev.repo AND pr.source = 'github' AND pr.deleted_at IS NULL
     AND pr.merged_at IS NOT NULL AND pr.merged_at <= prev.created_at
     AND (prev.prev_ok IS NULL OR pr.merged_at > prev.prev_ok)
JOIN raw_records r ON r.source = 'github' AND r.entity = 'pull_request' AND r.native_id = pr.native_id
WHERE pr.base_ref = coalesce(json_extract_string(r.payload, '$.base.repo.default_branch'), pr.base_ref)
;
-- A login's email: the commit author email its commits carry most often (ties: the smallest), so
-- identity resolution can match logins by commit email.
UPDATE accounts SET email = e.email
FROM (
    SELECT login, email FROM (
        SELECT json_extract_string(payload, '$.author.login') AS login,
               lower(json_extract_string(payload, '$.commit.author.email')) AS email, count(*) AS n
        FROM raw_records
        WHERE source = 'github' AND entity = 'pr_commit' AND deleted_at IS NULL
          AND json_extract_string(payload, '$.author.login') IS NOT NULL
          AND coalesce(json_extract_string(payload, '$.commit.author.email'), '') <> ''
        GROUP BY 1, 2
    )
    QUALIFY row_number() OVER (PARTITION BY login ORDER BY n DESC, email) = 1
) AS e
WHERE accounts.account_id = 'github:account:' || e.login
