-- Columns of one table ($1) in schema order, with their DuckDB type and nullability.
SELECT column_name, data_type, is_nullable = 'YES'
FROM information_schema.columns
WHERE table_schema = 'main' AND table_name = $1
ORDER BY ordinal_position
