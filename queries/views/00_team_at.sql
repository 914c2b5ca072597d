-- team_at(person_id, ts): the team a person belonged to at time ts (TIMESTAMPTZ), from
-- team_memberships (valid_from and valid_to inclusive, valid_to NULL = still valid). When memberships
-- overlap, the one that started last wins. NULL for an unknown person or no membership at ts.
-- Every metric attributes its events to a team through this macro.
CREATE OR REPLACE MACRO team_at(p, ts) AS (
    SELECT arg_max(m.team_id, m.valid_from)
    FROM team_memberships AS m
    WHERE m.person_id = p
      AND CAST(timezone('UTC', ts) AS DATE) BETWEEN m.valid_from AND coalesce(m.valid_to, DATE '9999-12-31')
)
