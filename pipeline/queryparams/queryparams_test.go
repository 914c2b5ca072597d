package queryparams

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

func TestCheckRejectsWhatTheDataDoesNotHold(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat, err := queries.Default()
	if err != nil {
		t.Fatal(err)
	}
	ex := queries.Example{Name: "q", Params: []queries.Param{{Name: "metric", Type: "string"}, {Name: "period", Type: "string"},
		{Name: "team", Type: "string"}, {Name: "days", Type: "int"}, {Name: "since", Type: "date"}, {Name: "unit_type", Type: "string"}, {Name: "n", Type: "int"}}}
	// Nothing analysed yet: any period is an error that says so.
	err = Check(ctx, st.DB(), cat, ex, map[string]string{"period": "2026-Q3"})
	if !errors.Is(err, queries.ErrBadParam) || !strings.Contains(err.Error(), "no period is analysed") {
		t.Fatalf("period on an empty database: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO estimates (analysis_id, period, metric, method, aggregation, scale, computed_at) VALUES ('a', '2026-Q2', 'm', 'did', 'simple', 'log', now())`,
		`INSERT INTO teams VALUES ('files:team:payments', 'payments', now())`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	good := map[string]string{"metric": cat.Metrics[0].Name, "period": "2026-Q2", "team": "payments", "days": "180",
		"since": "2025-01-01", "unit_type": "person", "n": "0"}
	if err := Check(ctx, st.DB(), cat, ex, good); err != nil {
		t.Fatalf("valid values: %v", err)
	}
	if err := Check(ctx, st.DB(), cat, ex, map[string]string{"team": "files:team:payments"}); err != nil {
		t.Errorf("team by id: %v", err)
	}
	for _, c := range []struct{ param, value, want string }{
		{"metric", "incident_resolve_hour", `unknown metric "incident_resolve_hour" (known: `},
		{"period", "2026-Q3", "2026-Q3 is not analysed in this database (analysed: 2026-Q2"},
		{"period", "2026-13", "is not a quarter"},
		{"team", "payment", `unknown team "payment" (teams: payments)`},
		{"days", "0", "out of range: want 1 to 3660"},
		{"days", "100000", "out of range"},
		{"n", "-1", "out of range: want 0 or more"},
		{"since", "1066-10-14", "out of range"},
		{"unit_type", "dept", "want team or person"},
	} {
		err := Check(ctx, st.DB(), cat, ex, map[string]string{c.param: c.value})
		var pe *queries.ParamError
		if !errors.As(err, &pe) || pe.Param != c.param || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s: %v, want a ParamError containing %q", c.param, c.value, err, c.want)
		}
	}
}
