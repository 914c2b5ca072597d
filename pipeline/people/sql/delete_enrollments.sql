DELETE FROM enrollments WHERE source_file = ?
