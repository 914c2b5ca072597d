package metrics

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

func d(m time.Month, day int) time.Time { return time.Date(2025, m, day, 12, 0, 0, 0, time.UTC) }

// withDB runs fn in a transaction on a fresh database holding rows and the catalog's views.
func withDB(t *testing.T, rows []models.Row, fn func(ctx context.Context, w *store.Writer) error) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(ctx, func(w *store.Writer) error {
		if err := queries.CreateViews(ctx, w); err != nil {
			return err
		}
		if err := w.Upsert(ctx, rows); err != nil {
			return err
		}
		return fn(ctx, w)
	}); err != nil {
		t.Fatal(err)
	}
}

func ev(metric, id, team string, at time.Time, v float64, cens bool) models.MetricEvent {
	return models.MetricEvent{Metric: metric, EventID: id, TeamID: team, OccurredAt: at, Value: v, Censored: cens}
}

func TestPanels(t *testing.T) {
	rows := []models.Row{
		// A: treated 2025-03-10, washout 30 days → 2025-04-09 → first whole period May (g = 664).
		models.Exposure{UnitType: "team", UnitID: "A", Status: "treated", TreatedAt: time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)},
		models.Exposure{UnitType: "team", UnitID: "B", Status: "never"},
		models.Exposure{UnitType: "team", UnitID: "D", Status: "dropout"},
		// E: treated 2025-04-02 with washout ending exactly on 2025-05-01 → g = May too.
		models.Exposure{UnitType: "team", UnitID: "E", Status: "treated", TreatedAt: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		ev("dur", "a1", "A", d(2, 1), 2, false),
		ev("dur", "a2", "A", d(2, 2), 8, false),
		ev("dur", "a3", "A", d(2, 3), 100, true),
		ev("dur", "a4", "A", d(3, 20), 1, false), // washout: dropped
		ev("dur", "a5", "A", d(4, 20), 1, false), // washout: dropped
		ev("dur", "a6", "A", d(5, 2), 3, false),
		ev("dur", "b1", "B", d(2, 1), 4, false),
		ev("dur", "b2", "B", d(7, 1), 4, false), // at/after the cut-off below: unknown
		ev("dur", "d1", "D", d(2, 1), 4, false), // dropout excluded
		ev("dur", "x1", "", d(2, 1), 4, false),  // no team
		ev("dur", "z1", "Z", d(2, 1), 4, false), // no exposure row
		ev("prop", "e1", "E", d(3, 1), 1, false),
		ev("prop", "e2", "E", d(3, 2), 0, false),
		ev("prop", "e3", "E", d(4, 30), 1, false), // washout
		ev("prop", "e4", "E", d(5, 1), 1, false),
	}
	o := Options{Unit: "team", Period: "month", WashoutDays: 30, PreDays: 60, PostDays: 60, ExcludeDropouts: true,
		Cutoff: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)}
	withDB(t, rows, func(ctx context.Context, w *store.Writer) error {
		p, err := Panels(ctx, w, o)
		if err != nil {
			return err
		}
		type key struct {
			u string
			p int
		}
		cells := map[string]map[key]Cell{}
		for m, pn := range p {
			cells[m] = map[key]Cell{}
			for _, c := range pn.Cells {
				cells[m][key{pn.Units[c.Unit], c.Period}] = c
			}
		}
		feb, may := (2025-1970)*12+1, (2025-1970)*12+4
		if n := len(cells["dur"]); n != 3 {
			t.Errorf("dur: %d cells, want 3 (A Feb, A May, B Feb): %+v", n, cells["dur"])
		}
		a := cells["dur"][key{"A", feb}]
		if a.Group != may || a.N != 3 || a.NCensored != 1 || math.Abs(a.MeanLog-(math.Log(2)+math.Log(8))/2) > 1e-12 {
			t.Errorf("A Feb: %+v", a)
		}
		if math.Abs(a.Mean-110.0/3) > 1e-12 || a.Total != 110 {
			t.Errorf("A Feb mean/total: %+v", a)
		}
		if c, ok := cells["dur"][key{"A", may}]; !ok || c.N != 1 {
			t.Errorf("A May: %+v %v", c, ok)
		}
		if b := cells["dur"][key{"B", feb}]; b.Group != 0 || b.N != 1 {
			t.Errorf("B Feb: %+v", b)
		}
		if n := len(cells["prop"]); n != 2 {
			t.Errorf("prop: %d cells, want 2 (E Mar, E May): %+v", n, cells["prop"])
		}
		if e := cells["prop"][key{"E", may}]; e.Group != may || e.Mean != 1 {
			t.Errorf("E May: %+v", e)
		}
		if e := cells["prop"][key{"E", may - 2}]; e.Mean != 0.5 || e.N != 2 {
			t.Errorf("E Mar: %+v", e)
		}

		// Before/after: A's pre window is the 60 days before 2025-03-10, post from 2025-04-09.
		ws, err := Windows(ctx, w, o)
		if err != nil {
			return err
		}
		var pre, post *Window
		for i := range ws["dur"] {
			x := &ws["dur"][i]
			if x.Unit == "A" && x.Post {
				post = x
			} else if x.Unit == "A" {
				pre = x
			}
		}
		if pre == nil || post == nil || pre.N != 3 || post.N != 2 || math.Abs(post.MeanLog-(math.Log(1)+math.Log(3))/2) > 1e-12 {
			t.Errorf("windows: pre %+v post %+v", pre, post)
		}
		for _, x := range ws["dur"] {
			if x.Unit == "B" || x.Unit == "D" {
				t.Errorf("untreated unit in windows: %+v", x)
			}
		}

		s, err := Survival(ctx, w, o, []string{"dur"})
		if err != nil {
			return err
		}
		if sd := s["dur"]; sd == nil || sd.Windows[0] == nil || sd.Windows[0].NEvents != 3 || sd.Windows[0].Censored != 1 || sd.Windows[1].NEvents != 2 {
			t.Errorf("survival: %+v", sd)
		} else {
			// Every duration carries its unit: the pre and post events of treated unit A.
			for _, d := range sd.Windows {
				for _, u := range d.Unit {
					if sd.Units.IDs[u] != "A" {
						t.Errorf("survival: duration of unit %q, want A", sd.Units.IDs[u])
					}
				}
			}
		}
		if _, ok := s["prop"]; ok {
			t.Errorf("survival for a proportion")
		}

		tr, err := TreatedEvents(ctx, w, o)
		if err != nil {
			return err
		}
		// Treated units A and E; events in the year before 2025-07-01. The events carry no person:
		// nobody is behind them (persons are set in TestTreatedPeople).
		if tr["dur"] != (Treated{Volume: 6}) || tr["prop"] != (Treated{Volume: 4}) {
			t.Errorf("treated events %v", tr)
		}
		return nil
	})
}

func TestDerive(t *testing.T) {
	cat, err := queries.Default()
	if err != nil {
		t.Fatal(err)
	}
	rows := []models.Row{
		models.Account{AccountID: "a1", Source: "pagerduty", NativeID: "1", PersonID: "p1"},
		models.TeamMembership{MembershipID: "m", PersonID: "p1", TeamID: "A", Role: "lead", ValidFrom: d(1, 1), SourceFile: "f", Line: 1},
		models.Incident{IncidentID: "i1", Source: "pagerduty", NativeID: "1", Status: "resolved", CreatedAt: d(2, 1),
			ResolvedAt: d(2, 1).Add(3 * time.Hour), AssigneeAccountID: "a1"},
		models.Incident{IncidentID: "i2", Source: "pagerduty", NativeID: "2", Status: "triggered", CreatedAt: d(2, 2), AssigneeAccountID: "a1"},
		models.MetricEvent{Metric: "stale", EventID: "x", OccurredAt: d(1, 1)},
	}
	withDB(t, rows, func(ctx context.Context, w *store.Writer) error {
		counts, err := Derive(ctx, w, cat, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		if counts["incident_resolve_hours"] != 2 || counts["incident_escalated"] != 2 || counts["ticket_resolve_hours"] != 0 {
			t.Errorf("counts %v", counts)
		}
		var n int
		var team string
		if err := w.QueryRow(ctx, `SELECT count(*), any_value(team_id) FROM metric_events WHERE metric = 'incident_resolve_hours' AND team_id = 'A'`).Scan(&n, &team); err != nil || n != 2 {
			t.Errorf("derived rows: %d %v", n, err)
		}
		if err := w.QueryRow(ctx, `SELECT count(*) FROM metric_events WHERE metric = 'stale'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("stale rows kept: %d %v", n, err)
		}
		return nil
	})
	// A metric producing one event twice fails with a *MetricError naming it.
	bad := &queries.Catalog{Metrics: []queries.Metric{{Name: "dup", File: "metrics/dup.sql",
		SQL: "SELECT 'e' AS event_id, NULL AS person_id, NULL AS team_id, now() AS occurred_at, 1.0 AS value, false AS censored FROM range(2)"}}}
	withDB(t, nil, func(ctx context.Context, w *store.Writer) error {
		_, err := Derive(ctx, w, bad, time.Now())
		var me *MetricError
		if !errors.As(err, &me) || me.Metric != "dup" || !errors.Is(err, ErrMetric) || !errors.Is(err, ErrDuplicateEvent) ||
			!strings.Contains(err.Error(), `"e" (2 times)`) || !strings.Contains(err.Error(), "metrics/dup.sql") {
			t.Errorf("duplicate events: %v", err)
		}
		return nil
	})
}

// TestPanelOrder checks that cells come ordered by unit id (byte order) then period whatever the
// order DuckDB aggregates them in, with every unit's group, for weekly periods spanning a year.
func TestPanelOrder(t *testing.T) {
	units := []string{"b", "a10", "A", "a2", "c"} // inserted unsorted; byte order: A a10 a2 b c
	var rows []models.Row
	for i, u := range units {
		e := models.Exposure{UnitType: "team", UnitID: u, Status: "never"}
		if i%2 == 0 {
			e.Status, e.TreatedAt = "treated", time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
		}
		rows = append(rows, e)
		// Weekly events through 2025 in reverse date order.
		for w := 51; w >= 0; w-- {
			at := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC).AddDate(0, 0, 7*w)
			rows = append(rows, ev("m", u+"-"+at.Format("0102"), u, at, float64(w), false))
		}
	}
	o := Options{Unit: "team", Period: "week", WashoutDays: 0, ExcludeDropouts: true,
		Cutoff: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	withDB(t, rows, func(ctx context.Context, w *store.Writer) error {
		p, err := Panels(ctx, w, o)
		if err != nil {
			return err
		}
		pn := p["m"]
		if pn == nil {
			t.Fatalf("no panel: %v", p)
		}
		if want := []string{"A", "a10", "a2", "b", "c"}; !slices.Equal(pn.Units, want) {
			t.Errorf("units %v, want %v", pn.Units, want)
		}
		// b, A and c are treated on Monday 2025-09-01 (week 2905 since 1969-12-29) with no
		// washout: g = 2905 and treated_period = 2905, so nothing is dropped.
		if len(pn.Cells) != 5*52 {
			t.Fatalf("%d cells, want %d", len(pn.Cells), 5*52)
		}
		first := (time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC).Sub(time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC)).Hours() / 24) / 7
		for i, c := range pn.Cells {
			u, wk := i/52, i%52
			if c.Unit != u || c.Period != int(first)+wk || c.N != 1 || c.Mean != float64(wk) {
				t.Fatalf("cell %d: %+v, want unit %d period %d", i, c, u, int(first)+wk)
			}
			treated := pn.Units[u] != "a10" && pn.Units[u] != "a2"
			if treated != (c.Group == 2905) || (treated && c.TreatedPeriod != 2905) {
				t.Fatalf("cell %d of %s: group %d, treated period %d", i, pn.Units[u], c.Group, c.TreatedPeriod)
			}
		}
		// EachPanel stops at the first error of its callback.
		stop := errors.New("stop")
		calls := 0
		if err := EachPanel(ctx, w, o, func(*Panel) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
			t.Errorf("EachPanel: %v after %d calls", err, calls)
		}
		return nil
	})
}

// TestTreatedPeople: TreatedEvents counts the distinct people behind the events of treated units
// before the cut-off, per metric: not those of untreated or not-yet-treated units, nor events at or after the
// cut-off, nor events without a person.
func TestTreatedPeople(t *testing.T) {
	at := func(m, id, team, person string, when time.Time) models.MetricEvent {
		e := ev(m, id, team, when, 1, false)
		e.PersonID = person
		return e
	}
	rows := []models.Row{
		models.Exposure{UnitType: "team", UnitID: "A", Status: "treated", TreatedAt: time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)},
		models.Exposure{UnitType: "team", UnitID: "B", Status: "never"},
		models.Exposure{UnitType: "team", UnitID: "N", Status: "not_yet", TreatedAt: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)},
		at("dur", "1", "A", "p1", d(2, 1)),
		at("dur", "2", "A", "p1", d(5, 1)), // the same person again
		at("dur", "3", "A", "p2", d(5, 2)),
		at("dur", "4", "A", "", d(5, 3)),   // no person
		at("dur", "5", "A", "p3", d(7, 1)), // at the cut-off: unknown
		at("dur", "6", "B", "p4", d(2, 1)), // never treated
		at("dur", "7", "N", "p5", d(2, 1)), // not yet treated
		at("prop", "8", "A", "p6", d(2, 1)),
	}
	o := Options{Unit: "team", Period: "month", Cutoff: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)}
	withDB(t, rows, func(ctx context.Context, w *store.Writer) error {
		tr, err := TreatedEvents(ctx, w, o)
		if err != nil {
			return err
		}
		if len(tr) != 2 || tr["dur"].People != 2 || tr["prop"].People != 1 {
			t.Errorf("treated events %v, want dur 2 people (p1, p2), prop 1 (p6)", tr)
		}
		return nil
	})
}
