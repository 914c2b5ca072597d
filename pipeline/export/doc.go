// Package export writes the published warehouse as Hive-partitioned Parquet with a JSON manifest,
// for engines past one machine (Spark, Trino, BigQuery, DuckDB on object storage).
//
// Tables are discovered from the warehouse's information_schema: every base table of the main
// schema except the pipeline's own bookkeeping (Excluded). A table with a source column is
// partitioned by source; a table with an event time (MonthOf) by the UTC month of that time as
// well, in a derived column named month. Everything is written into a temporary folder beside the
// target, read back and compared (row count and fingerprint) with the warehouse, and only then
// renamed into place: a failed export leaves the target as it was.
//
// The export reads whatever file it is given, read-only; given the published warehouse it holds
// exactly what analysts see, so with people.pseudonymize on it holds keyed hashes, never a
// person's name, email, login or account id.
package export
