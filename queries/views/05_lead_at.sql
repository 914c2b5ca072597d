-- lead_at(t, ts): the lead of team t at time ts (TIMESTAMPTZ), from team_memberships with role
-- 'lead' (dates inclusive); when leads overlap, the one who started last. NULL when the team has no
-- lead then. Team-level metrics (one event per team and week) carry this person, so that the
-- people behind a treated team's events are counted through its leads: fewer people than its
-- members, which errs towards suppressing (analysis.min_cell).
CREATE OR REPLACE MACRO lead_at(t, ts) AS (
    SELECT arg_max(m.person_id, m.valid_from)
    FROM team_memberships AS m
    WHERE m.team_id = t
      AND m.role = 'lead'
      AND CAST(timezone('UTC', ts) AS DATE) BETWEEN m.valid_from AND coalesce(m.valid_to, DATE '9999-12-31')
)
