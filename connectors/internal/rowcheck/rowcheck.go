// Package rowcheck holds the checks the connectors' fuzz tests apply to every row a Map emits:
// what any row must satisfy before the sink writes it, whatever payload it came from.
package rowcheck

import (
	"database/sql/driver"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/trainimpact/trainimpact/models"
)

// Check returns the first problem of row: a value count other than its table's column count, an
// empty first key column, text that is not UTF-8, or a time outside DuckDB's TIMESTAMP range (the
// store writes what DuckDB can hold, through its staged file or, for years outside 1..9999, its
// appender).
func Check(row models.Row) error {
	cols := models.Columns(row.Table())
	vals := row.Values()
	if len(vals) != len(cols) {
		return fmt.Errorf("%s: %d values for %d columns", row.Table(), len(vals), len(cols))
	}
	if k, ok := vals[0].(string); !ok || k == "" {
		return fmt.Errorf("%s: empty key %s (%v)", row.Table(), cols[0], vals[0])
	}
	for i, v := range vals {
		if err := value(v); err != nil {
			return fmt.Errorf("%s.%s: %w", row.Table(), cols[i], err)
		}
	}
	return nil
}

func value(v driver.Value) error {
	switch x := v.(type) {
	case string:
		if !utf8.ValidString(x) {
			return fmt.Errorf("text %q is not UTF-8", x)
		}
	case []byte:
		if !utf8.Valid(x) {
			return fmt.Errorf("bytes %q are not UTF-8", x)
		}
	case time.Time:
		if x.Year() < -290000 || x.Year() > 290000 { // DuckDB's TIMESTAMP range, roughly
			return fmt.Errorf("time %s out of range", x)
		}
	case []any:
		for _, e := range x {
			if err := value(e); err != nil {
				return err
			}
		}
	}
	return nil
}
