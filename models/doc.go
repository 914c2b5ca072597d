// Package models holds the canonical warehouse: the schema as embedded, numbered SQL migrations
// (models/migrations/NNN_name.sql) and the Go record types of the canonical tables.
//
// Canonical ids are deterministic: "<source>:<entity>:<native id>" (see ID). Each record type
// implements Row, which names its table and returns its values in the table's column order
// (Columns), so the store can bulk-load rows without reflection.
package models
