SELECT enrollment_id, person_id, cohort_id, program, enrolled_at, completed_at, status, source_file, line
FROM enrollments
ORDER BY enrollment_id
