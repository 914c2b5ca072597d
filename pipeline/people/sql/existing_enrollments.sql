-- Rows of one cohorts file, for the import diff.
SELECT enrollment_id,
       concat_ws('|', person_id, cohort_id, program, strftime(enrolled_at, '%Y-%m-%d'), coalesce(strftime(completed_at, '%Y-%m-%d'), ''))
FROM enrollments
WHERE source_file = ?
