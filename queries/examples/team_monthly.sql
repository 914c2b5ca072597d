-- name: team_monthly
-- description: Monthly events, median and open share of one metric per team, with the team's phase
-- param: metric (string): metric name, e.g. ticket_resolve_hours
-- param: since (date) = 2025-01-01: first month shown
--
-- Teams with fewer than 5 people-visible events in a month still show; suppress small cells before
-- sharing outside the analytics team.
SELECT
    team_id,
    month,
    any_value(team_status)                              AS team_status,
    mode(phase)                                         AS phase,
    count(*)                                            AS events,
    round(median(value) FILTER (WHERE NOT censored), 2) AS median_value,
    round(avg(censored::INTEGER), 3)                    AS open_share
FROM v_metric_events
WHERE metric = $metric
  AND team_id IS NOT NULL
  AND month >= $since
GROUP BY team_id, month
ORDER BY team_id, month
