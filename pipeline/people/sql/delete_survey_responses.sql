DELETE FROM survey_responses WHERE source_file = ?
