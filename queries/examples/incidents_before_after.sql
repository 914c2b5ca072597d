-- name: incidents_before_after
-- description: Incident volume, median time to acknowledge and resolve, per trained team before and after training
-- param: days (int) = 180: window length before training and after the 30-day washout
SELECT
    team_id,
    team_treated_at,
    phase,
    count(*)                                AS incidents,
    round(median(ack_minutes), 1)           AS median_ack_minutes,
    round(median(resolve_hours), 2)         AS median_resolve_hours,
    round(avg((escalation_count > 0)::INTEGER), 3) AS escalated_share
FROM v_incidents
WHERE team_status = 'treated'
  AND phase IN ('pre', 'post')
  AND created_at >= team_treated_at - to_days(CAST($days AS INTEGER))
  AND created_at <  team_treated_at + INTERVAL 30 DAY + to_days(CAST($days AS INTEGER))
GROUP BY ALL
ORDER BY team_id, phase DESC
