// Package store is the only code that opens DuckDB. It opens the working database read-write and
// migrates it, opens a published warehouse read-only for analysts, writes canonical rows in bulk with
// an idempotent upsert inside one transaction, and publishes a consistent snapshot of the working
// database to the warehouse path (checkpoint, close, copy beside the target, rename over it).
//
// DuckDB admits one writing process or many readers of a file, never both; a blocked open fails at
// once, which Open and OpenReadOnly report as ErrLocked.
package store
