SELECT person_id, email, coalesce(name, ''), pseudonymized, updated_at FROM people ORDER BY person_id
