-- Whether every person in the warehouse is pseudonymised (false when there are none).
SELECT count(*) > 0 AND coalesce(bool_and(pseudonymized), false) FROM people
