-- Base tables of the warehouse's main schema, by name (views are derived from them and left out).
SELECT table_name
FROM information_schema.tables
WHERE table_schema = 'main' AND table_type = 'BASE TABLE'
ORDER BY table_name
