DELETE FROM assessments WHERE source_file = ?
