-- Rows of one assessments file, for the import diff: id, content signature, description, line.
-- The signature matches outcomeRow.sig of assessments.go (numbers as integer millionths).
SELECT a.assessment_id,
       concat_ws('|', a.person_id, a.instrument, strftime(a.taken_at, '%Y-%m-%d'), CAST(CAST(round(a.score * 1e6) AS BIGINT) AS VARCHAR), CAST(CAST(round(a.max_score * 1e6) AS BIGINT) AS VARCHAR)),
       concat_ws(' ', coalesce(p.email, a.person_id), a.instrument, 'on', strftime(a.taken_at, '%Y-%m-%d') || ':',
                 CAST(a.score AS VARCHAR), 'of', CAST(a.max_score AS VARCHAR)),
       a.line
FROM assessments a
LEFT JOIN people p USING (person_id)
WHERE a.source_file = ?
