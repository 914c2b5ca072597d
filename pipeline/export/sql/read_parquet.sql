read_parquet('{{GLOB}}', hive_partitioning = true, hive_types_autocast = false)
