INSERT INTO imports (kind, source_file, sha256, rows, imported_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (kind, source_file) DO UPDATE SET sha256 = EXCLUDED.sha256, rows = EXCLUDED.rows, imported_at = EXCLUDED.imported_at
