// Package benchdata writes the synthetic warehouse the benchmarks and the scaling study measure
// (BenchmarkAnalyze10M, BenchmarkReport10M, scripts/bench): teams of eight people, two thirds
// trained at staggered dates, and metric events of every catalog metric. It is not used by the
// tool itself.
package benchdata

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

//go:embed events.sql
var eventsSQL string

// Events fills exposure and metric_events (both expected empty) with teams teams and events
// metric events spread evenly over the catalog's metrics (events.sql says how they are drawn).
// The events are deterministic: the same arguments give the same rows.
func Events(ctx context.Context, w *store.Writer, cat *queries.Catalog, events, teams int) error {
	if events <= 0 || teams <= 0 {
		return fmt.Errorf("benchdata: %d events, %d teams: both must be positive", events, teams)
	}
	var names, kinds []string
	for _, m := range cat.Metrics {
		names, kinds = append(names, m.Name), append(kinds, string(m.Kind))
	}
	vals := map[string]any{"names": names, "kinds": kinds, "events": int64(events), "teams": int64(teams)}
	for _, stmt := range strings.Split(eventsSQL, ";\n\n") {
		q, args, err := queries.BindNamed("benchdata/events.sql", stmt, vals)
		if err != nil {
			return err
		}
		if _, err := w.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("benchdata: events.sql: %w", err)
		}
	}
	return nil
}
