-- Whether a table (or view) exists in the main schema; $1 = name.
SELECT count(*) > 0 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $1
