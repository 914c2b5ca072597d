-- name: unmapped_services
-- description: Incident services linked to no repository (their incidents never count as deployment failures), and the link of every other service
--
-- One row per incident service seen in incidents: its id and name, how it is linked (config: named
-- in sources.github.service_map; name: a repository of the same name; none), the repositories, and
-- how many incidents it had. Add a line to sources.github.service_map for every service listed with
-- rule none that watches a repository. No person appears.
WITH services AS (
    SELECT service_id, any_value(service_name) AS service_name, count(*) AS incidents,
           min(created_at) AS first_incident, max(created_at) AS last_incident
    FROM incidents
    WHERE service_id IS NOT NULL AND deleted_at IS NULL
    GROUP BY service_id
),
links AS (
    SELECT service_id, any_value(rule) AS rule, list(repo ORDER BY repo) AS repos
    FROM v_service_repos
    GROUP BY service_id
)
SELECT
    s.service_id,
    s.service_name,
    coalesce(l.rule, 'none')                                           AS rule,
    coalesce(l.repos, [])                                              AS repos,
    s.incidents,
    s.first_incident,
    s.last_incident
FROM services AS s
LEFT JOIN links AS l ON l.service_id = s.service_id
ORDER BY (l.rule IS NOT NULL), s.incidents DESC, s.service_id
