SELECT person_id, email, coalesce(name, '') FROM people
