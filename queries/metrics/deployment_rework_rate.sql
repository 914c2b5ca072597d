-- metric: deployment_rework_rate
-- title: Unplanned production deployment (rework)
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: delivery (DORA)
-- source: github, pagerduty, jira
-- level: L4
-- events: every successful production deployment finished before the cut-off
--
-- Value: 1 when the deployment was unplanned, made to address an incident or a bug
-- (dora_deployments): it shipped a revert pull request; or it was created while an incident of a
-- service linked to its repository, triggered within dora.failure_window_hours before, was still
-- open; or it shipped a pull request whose title names the key of a Jira issue of type Bug (e.g.
-- "OPS-12 fix rounding"). Else 0. Unplanned deployments = sum(value), deployments = count(*) (the
-- cut-off is $cutoff). Attributed to the deployment's owner and that person's team when it was
-- created.
SELECT
    deployment_id                                                      AS event_id,
    person_id                                                          AS person_id,
    team_id                                                            AS team_id,
    created_at                                                         AS occurred_at,
    unplanned::INTEGER::DOUBLE                                         AS value,
    false                                                              AS censored
FROM dora_deployments(CAST($cutoff AS TIMESTAMPTZ))
