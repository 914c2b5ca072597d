-- metric: change_failure_rate
-- title: Production deployment followed by a failure
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: delivery (DORA)
-- source: github, pagerduty
-- level: L4
-- events: every successful production deployment whose failure window closed before the cut-off
--
-- Value: 1 when the deployment failed (dora_deployments): an incident of a service linked to its
-- repository (sources.github.service_map, else the same name; see v_service_repos) was triggered
-- within dora.failure_window_hours (sources.github.failure_window_hours, default 24) after it
-- finished and is charged to it — each incident to the repository's last deployment before it —,
-- or a pull request it shipped was reverted by a pull request opened before the cut-off
-- ($cutoff); else 0. Deployments whose window is still open at the cut-off are left out, so the
-- share is never biased by incidents not yet known. Failed deployments = sum(value), deployments =
-- count(*). Attributed to the deployment's owner (the author of the last merged pull request it
-- shipped, else its creator) and that person's team when it was created.
SELECT
    deployment_id                                                      AS event_id,
    person_id                                                          AS person_id,
    team_id                                                            AS team_id,
    created_at                                                         AS occurred_at,
    (failed_by_incident OR failed_by_revert)::INTEGER::DOUBLE          AS value,
    false                                                              AS censored
FROM dora_deployments(CAST($cutoff AS TIMESTAMPTZ))
WHERE window_closed
