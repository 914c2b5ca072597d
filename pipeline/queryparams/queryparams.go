// Package queryparams checks the values given to a named query (`trainimpact query NAME --param
// key=value`) against what they name, so that a typo is an error and not an empty result: a
// metric must be in the catalog, a period must be a quarter analysed in the database, a team must
// be in the teams table, a unit type must be team or person, and numbers and dates must lie in a
// plausible range. Parameters are recognised by their declared name (metric, period, team,
// team_id, unit_type) and type (int, date); the query's own Bind has already checked the types.
package queryparams

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/queries"
)

//go:embed sql/*.sql
var sqlFS embed.FS

func query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("queryparams: no embedded query %q", name))
	}
	return string(b)
}

// Querier is what Check reads the database through (*sql.DB).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Bounds of numeric and date parameters.
const (
	// MaxDays bounds a parameter named days (a window length): ten years.
	MaxDays = 3660
	// MinYear and MaxYear bound date parameters.
	MinYear, MaxYear = 1990, 2100
)

// Check validates the values given for ex's parameters. It returns a *queries.ParamError naming
// the parameter, the value and what would be accepted; db is the database the query will run on.
func Check(ctx context.Context, db Querier, cat *queries.Catalog, ex queries.Example, values map[string]string) error {
	types := map[string]string{}
	for _, p := range ex.Params {
		types[p.Name] = p.Type
	}
	bad := func(name, format string, args ...any) error {
		return &queries.ParamError{Query: ex.Name, Param: name, Msg: fmt.Sprintf(format, args...)}
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		v := values[name]
		switch {
		case name == "metric":
			known := make([]string, len(cat.Metrics))
			for i, m := range cat.Metrics {
				known[i] = m.Name
			}
			if !slices.Contains(known, v) {
				return bad(name, "unknown metric %q (known: %s)", v, strings.Join(known, ", "))
			}
		case name == "period":
			if _, err := analyze.ParseQuarter(v); err != nil {
				return bad(name, "%q is not a quarter like 2026-Q3", v)
			}
			periods, err := column(ctx, db, "periods", 0)
			if err != nil {
				return err
			}
			if !slices.Contains(periods, v) {
				if len(periods) == 0 {
					return bad(name, "no period is analysed in this database yet (run trainimpact analyze --period %s)", v)
				}
				return bad(name, "%s is not analysed in this database (analysed: %s; run trainimpact analyze --period %s)", v, strings.Join(periods, ", "), v)
			}
		case name == "team" || name == "team_id":
			ids, err := column(ctx, db, "teams", 0)
			if err != nil {
				return err
			}
			teamNames, err := column(ctx, db, "teams", 1)
			if err != nil {
				return err
			}
			if !slices.Contains(ids, v) && !slices.Contains(teamNames, v) {
				shown := teamNames
				if len(shown) > 20 {
					shown = append(shown[:20:20], fmt.Sprintf("… %d more", len(teamNames)-20))
				}
				return bad(name, "unknown team %q (teams: %s)", v, strings.Join(shown, ", "))
			}
		case name == "unit_type":
			if v != "team" && v != "person" {
				return bad(name, "%q: want team or person", v)
			}
		case types[name] == "int":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				continue // Bind reports the type
			}
			if name == "days" && (n < 1 || n > MaxDays) {
				return bad(name, "%d is out of range: want 1 to %d days", n, MaxDays)
			}
			if n < 0 {
				return bad(name, "%d is out of range: want 0 or more", n)
			}
		case types[name] == "date":
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				continue
			}
			if d.Year() < MinYear || d.Year() > MaxYear {
				return bad(name, "%s is out of range: want a date between %d and %d", v, MinYear, MaxYear)
			}
		}
	}
	return nil
}

// column reads one column of an embedded query as strings.
func column(ctx context.Context, db Querier, name string, col int) ([]string, error) {
	rows, err := db.QueryContext(ctx, query(name))
	if err != nil {
		return nil, fmt.Errorf("queryparams: %s: %w", name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("queryparams: %s: %w", name, err)
		}
		out = append(out, vals[col].String)
	}
	return out, rows.Err()
}
