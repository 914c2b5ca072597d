-- Row count and an order-independent fingerprint of {{FROM}}: the sum (as HUGEINT, so equal rows do
-- not cancel) of DuckDB's hash over every column of the row, in the table's column order.
SELECT count(*), coalesce(sum(hash({{COLUMNS}})), 0)::VARCHAR
FROM {{FROM}}
