package models

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Row is a record of a canonical table. The store writes rows in bulk: Values must return exactly
// one value per column of Columns(Table()), in that order. NULL is nil.
type Row interface {
	Table() string
	Values() []driver.Value
}

// Columns returns the column names of a canonical table in schema order, or panics when the table
// has no record type (a programming error). The order is checked against the database by a test.
func Columns(table string) []string {
	c, ok := tableColumns[table]
	if !ok {
		panic(fmt.Sprintf("models: no record type for table %q", table))
	}
	return c
}

// Tables returns the names of the tables that have record types.
func Tables() []string {
	out := make([]string, 0, len(tableColumns))
	for t := range tableColumns {
		out = append(out, t)
	}
	return out
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullString maps "" to NULL.
func nullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// nullDate maps the zero time to NULL and truncates to a calendar date (UTC).
func nullDate(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// list turns a string slice into a DuckDB list value; nil stays NULL.
func list(s []string) driver.Value {
	if s == nil {
		return nil
	}
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// nullFloat maps NaN to NULL.
func nullFloat(f float64) driver.Value {
	if f != f {
		return nil
	}
	return f
}
