-- DuckDB's memory_limit as it shows it (e.g. '18.8 GiB').
SELECT current_setting('memory_limit')
