-- v_service_repos: which repositories each incident service is linked to, for the DORA metrics.
-- Rule 'config': the service's name or id (case-insensitive) is a key of sources.github.service_map
-- (table service_repos), linked to exactly the repositories listed there. Rule 'name': a service the
-- map does not name is linked to every repository (of deployments or pull requests) whose name
-- after the owner equals the service name, case-insensitive, with spaces read as hyphens
-- ("Payments API" ↔ acme/payments-api). Services linked to nothing are listed by the named query
-- unmapped_services; their incidents never count as deployment failures.
CREATE OR REPLACE VIEW v_service_repos AS
WITH services AS (
    SELECT service_id, any_value(service_name) AS service_name
    FROM incidents
    WHERE service_id IS NOT NULL AND deleted_at IS NULL
    GROUP BY service_id
),
repos AS (
    SELECT DISTINCT repo FROM deployments
    UNION
    SELECT DISTINCT repo FROM pull_requests
),
configured AS (
    SELECT DISTINCT s.service_id, m.repo
    FROM services AS s
    JOIN service_repos AS m
      ON lower(trim(m.service)) = lower(s.service_id)
      OR lower(trim(m.service)) = lower(trim(s.service_name))
)
SELECT service_id, repo, 'config' AS rule FROM configured
UNION ALL
SELECT s.service_id, r.repo, 'name' AS rule
FROM services AS s
JOIN repos AS r
  ON lower(split_part(r.repo, '/', 2)) = replace(lower(trim(s.service_name)), ' ', '-')
WHERE s.service_id NOT IN (SELECT service_id FROM configured)
