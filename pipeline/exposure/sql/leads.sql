-- Lead tenures (inclusive dates; valid_to NULL while in office), per team in date order.
SELECT team_id, person_id, valid_from, valid_to
FROM team_memberships
WHERE role = 'lead'
ORDER BY team_id, valid_from, person_id
