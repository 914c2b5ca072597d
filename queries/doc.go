// Package queries holds every SQL text of trainimpact that is not a schema migration, embedded from
// three folders, and the one parser of their file names and headers:
//
//	metrics/<metric>.sql    one metric a file (DESIGN.md "Metrics — a catalog, not code")
//	views/NN_<name>.sql     analyst views and macros, created in NN order by CreateViews
//	examples/<name>.sql     named queries for `trainimpact query NAME`
//
// A header is the block of `--` comment lines at the top of a file. Lines of the form
// `-- key: value` (key in lower case) are fields; every other comment line is prose, kept as Doc.
// A value may end with an inline comment (`-- kind: duration   -- duration | proportion | count`).
// An unknown key, a missing required key, a repeated name or a file name outside the grammar is an
// error: no file is ever skipped silently.
//
// Metric headers carry metric (= file name), title, kind (duration|proportion|count), better
// (lower|higher), unit (hours|minutes|share|count), family, source, level (L3 behaviour | L4 impact:
// the metric's Kirkpatrick/Phillips evaluation level) and optionally events (what one event is). A metric's SELECT returns event_id, person_id, team_id, occurred_at, value, censored
// and may use the parameter $cutoff (TIMESTAMPTZ): nothing at or after it is known.
//
// Example headers carry name (= file name), description and any number of
// `-- param: key (type): description` or `-- param: key (type) = default: description` lines,
// type one of string, int, float, date, timestamp, bool. The SQL refers to parameters as $key (any
// number of times) or with ? (bound in the order the params are declared).
package queries
