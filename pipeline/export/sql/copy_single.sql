-- One table into a single Parquet file (small tables, and empty ones, which a partitioned copy
-- would leave without any file to carry the schema).
COPY (SELECT {{COLUMNS}} FROM {{TABLE}})
TO '{{TARGET}}' (FORMAT parquet, COMPRESSION {{COMPRESSION}})
