-- Rows of one cohorts file, for the import diff: id, content signature, description, line.
SELECT e.enrollment_id,
       concat_ws('|', e.person_id, e.cohort_id, e.program, strftime(e.enrolled_at, '%Y-%m-%d'), coalesce(strftime(e.completed_at, '%Y-%m-%d'), '')),
       concat_ws(' ', coalesce(p.email, e.person_id), 'in', e.program || '/' || coalesce(c.name, e.cohort_id),
                 'enrolled', strftime(e.enrolled_at, '%Y-%m-%d'), 'completed', coalesce(strftime(e.completed_at, '%Y-%m-%d'), '-')),
       e.line
FROM enrollments e
LEFT JOIN people p USING (person_id)
LEFT JOIN cohorts c USING (cohort_id)
WHERE e.source_file = ?
