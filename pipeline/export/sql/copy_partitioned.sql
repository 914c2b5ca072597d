-- One table into a Hive-partitioned folder: partition columns become folder names
-- (column=value/...), NULL becomes __HIVE_DEFAULT_PARTITION__, and are not repeated in the files.
COPY (SELECT {{COLUMNS}}{{DERIVED}} FROM {{TABLE}})
TO '{{TARGET}}' (FORMAT parquet, COMPRESSION {{COMPRESSION}}, PARTITION_BY ({{PARTITION_BY}}))
