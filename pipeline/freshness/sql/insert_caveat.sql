INSERT INTO caveats (period, kind, source, last_data, detail, run_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
