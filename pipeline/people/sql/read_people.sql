-- The people of the source database being published (people.Pseudonymize builds its maps from them).
SELECT person_id, email, coalesce(name, ''), pseudonymized FROM src.people ORDER BY person_id
