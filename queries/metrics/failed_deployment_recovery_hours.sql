-- metric: failed_deployment_recovery_hours
-- title: Failed deployment recovery time
-- kind: duration        -- duration | proportion | count
-- better: lower
-- unit: hours
-- outcome: restricted_mean_log   -- DiD cell outcome: mean ln min(value, horizon); README "Censored durations"
-- horizon: 72                   -- hours; failures younger than this at the cut-off wait for the next analysis
-- family: delivery (DORA)
-- source: github, pagerduty
-- level: L4
-- events: every failed production deployment (as in change_failure_rate) whose failure came before the cut-off
--
-- Value: from the deployment's failure (the trigger of the first incident charged to it, or the
-- opening of the first revert of a pull request it shipped, whichever came first) to its recovery:
-- the next deployment of the same repository that finished after the failure, or the failing
-- incident's resolution, whichever came first, in hours. A failure not recovered by the cut-off
-- ($cutoff) is censored at the cut-off. Failures whose window is still open count too: a failure
-- known is a failure. Attributed to the deployment's owner and that person's team when it was
-- created (DORA's "failed deployment recovery time", formerly time to restore service).
SELECT
    deployment_id                                                      AS event_id,
    person_id                                                          AS person_id,
    team_id                                                            AS team_id,
    created_at                                                         AS occurred_at,
    greatest(0.0, (epoch(coalesce(recovered_at, CAST($cutoff AS TIMESTAMPTZ))) - epoch(failed_at)) / 3600.0) AS value,
    recovered_at IS NULL                                               AS censored
FROM dora_deployments(CAST($cutoff AS TIMESTAMPTZ))
WHERE failed_at IS NOT NULL
  AND failed_at < CAST($cutoff AS TIMESTAMPTZ)
