-- The analysis units, included by panel.sql and panel_units.sql in place of {{UNITS}} so that both
-- number them alike: every unit of $unit_type with an exposure row (dropouts left out when
-- $exclude_dropouts), numbered 0, 1, ... in unit_id order, with its treatment group g (the first
-- whole period starting on or after treated_at + $washout days; 0 without a treatment date) and
-- treated_period, the period containing the treatment start (NULL without a treatment date).
-- The treatment start ($treatment_start, config analysis.treatment_start) is treated_at
-- ('completed') or, with 'enrolled', the enrollment date of the enrollment that treats the unit
-- (the team lead's, or the person's own, in the exposure row's cohort) when that enrollment's
-- completion is the treatment date or it never completed (intention to treat); a lead who
-- completed before taking office treats the team from the tenure's start, which stays the start.
-- The periods from treated_period up to g are the washout, left out of the panel.
SELECT
    e.unit_id,
    CAST(row_number() OVER (ORDER BY e.unit_id) - 1 AS INTEGER)        AS unit,
    CAST(CASE WHEN e.treated_at IS NULL THEN 0
              ELSE period_index(e.treated_at + to_days(CAST($washout AS INTEGER)) - INTERVAL 1 DAY, $period) + 1
         END AS INTEGER)                                               AS g,
    CAST(period_index(CASE WHEN $treatment_start = 'enrolled'
                            AND en.enrolled_at IS NOT NULL
                            AND en.enrolled_at <= e.treated_at
                            AND (en.completed_at IS NULL OR en.completed_at >= e.treated_at)
                           THEN en.enrolled_at
                           ELSE e.treated_at END, $period) AS INTEGER) AS treated_period
FROM exposure AS e
LEFT JOIN (
    SELECT person_id, cohort_id, min(enrolled_at) AS enrolled_at, max(completed_at) AS completed_at
    FROM enrollments
    GROUP BY person_id, cohort_id
) AS en
  ON en.person_id = CASE WHEN e.unit_type = 'team' THEN e.lead_person_id ELSE e.unit_id END
 AND en.cohort_id = e.cohort_id
WHERE e.unit_type = $unit_type
  AND NOT (e.status = 'dropout' AND $exclude_dropouts)
