package analyze

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/metrics"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

func TestParseQuarter(t *testing.T) {
	q, err := ParseQuarter("2026-Q3")
	if err != nil || q.String() != "2026-Q3" || !q.Start().Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) ||
		!q.End().Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%v %v %v %v", q, err, q.Start(), q.End())
	}
	for _, bad := range []string{"2026Q3", "2026-Q5", "26-Q1", ""} {
		if _, err := ParseQuarter(bad); !errors.Is(err, ErrBadPeriod) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if q := LastFullQuarter(time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)); q.String() != "2025-Q4" {
		t.Errorf("last full quarter %v", q)
	}
	if q := LastFullQuarter(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)); q.String() != "2026-Q3" {
		t.Errorf("last full quarter %v", q)
	}
}

// orgRows builds a small organisation: teams of one person each, five incidents per team per month
// over 2024–2025; half the teams are trained at staggered dates in 2025. Resolve times are
// log-normal with a team effect and a common trend; after training (plus washout) they are
// multiplied by exp(effect). Every tenth incident has an escalation.
func orgRows(rng *rand.Rand, teams int, effect float64) []models.Row {
	var rows []models.Row
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for k := range teams {
		team, person, acct := fmt.Sprintf("T%02d", k), fmt.Sprintf("P%02d", k), fmt.Sprintf("pd:U%02d", k)
		rows = append(rows,
			models.Team{TeamID: team, Name: team, UpdatedAt: start},
			models.Account{AccountID: acct, Source: "pagerduty", NativeID: acct, PersonID: person},
			models.TeamMembership{MembershipID: "m" + team, PersonID: person, TeamID: team, Role: "lead", ValidFrom: start, SourceFile: "f", Line: k + 1})
		var treated time.Time
		if k%2 == 0 {
			treated = time.Date(2025, time.Month(1+(k/2)%4*2), 10, 0, 0, 0, 0, time.UTC)
			rows = append(rows, models.Exposure{UnitType: "team", UnitID: team, Status: "treated", TreatedAt: treated},
				models.Enrollment{EnrollmentID: "e" + team, PersonID: person, CohortID: "c", Program: "p",
					EnrolledAt: treated.AddDate(0, -2, 0), CompletedAt: treated, Status: "completed", SourceFile: "f", Line: k + 1})
		} else {
			rows = append(rows, models.Exposure{UnitType: "team", UnitID: team, Status: "never"})
		}
		teamFE := rng.NormFloat64() * 0.5
		for m := range 24 {
			for range 5 {
				created := start.AddDate(0, m, 0).Add(time.Duration(rng.IntN(27*24)) * time.Hour)
				logH := 1.5 + teamFE + 0.01*float64(m) + rng.NormFloat64()*0.6
				if !treated.IsZero() && created.After(treated.AddDate(0, 0, 30)) {
					logH += effect
				}
				n++
				inc := models.Incident{IncidentID: fmt.Sprintf("i%d", n), Source: "pagerduty", NativeID: fmt.Sprint(n),
					Status: "resolved", CreatedAt: created, ResolvedAt: created.Add(time.Duration(math.Exp(logH) * float64(time.Hour))),
					AssigneeAccountID: acct, ServiceID: "S", Title: fmt.Sprint(n)}
				if n%10 == 0 {
					inc.EscalationCount = 1
				}
				rows = append(rows, inc)
			}
		}
	}
	return rows
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const effect = -0.4
	if err := st.Write(ctx, func(w *store.Writer) error {
		return w.Upsert(ctx, orgRows(rand.New(rand.NewPCG(7, 7)), 40, effect))
	}); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Analysis.Bootstrap = 199
	cfg.ROI.Values = map[string]float64{"incident_resolve_hours": 100, "incident_escalated": 50}
	cfg.ROI.Costs = config.Costs{PerParticipant: 1000, Fixed: 5000}
	now := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	res, err := Run(ctx, st, cfg, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Period != "2025-Q4" || res.Events["incident_resolve_hours"] != 40*24*5 {
		t.Fatalf("period %s events %v", res.Period, res.Events)
	}
	var head *models.Estimate
	for i, h := range res.Headline {
		if h.Metric == "incident_resolve_hours" {
			head = &res.Headline[i]
		}
		if h.Method != MethodDiD || h.Aggregation != AggSimple {
			t.Errorf("headline row %+v", h)
		}
	}
	if head == nil {
		t.Fatal("no headline for incident_resolve_hours")
	}
	if math.Abs(head.Estimate-effect) > 0.15 || head.CILow > effect || head.CIHigh < effect || head.Scale != "log" {
		t.Errorf("DiD estimate %.3f [%.3f, %.3f], planted %.2f", head.Estimate, head.CILow, head.CIHigh, effect)
	}
	if math.Abs(head.RelativeChange-math.Expm1(head.Estimate)) > 1e-12 || head.NTreatedUnits != 20 || head.NControlUnits != 20 {
		t.Errorf("headline %+v", head)
	}
	if !(head.QValue >= head.PValue) || !(head.MDE > 0) {
		t.Errorf("q %v p %v mde %v", head.QValue, head.PValue, head.MDE)
	}
	// Metrics without data are still reported, flagged.
	for _, h := range res.Headline {
		if h.Metric == "ticket_resolve_hours" && (len(h.Flags) == 0 || h.Flags[len(h.Flags)-1] != FlagNotEstimable) {
			t.Errorf("empty metric flags %v", h.Flags)
		}
	}
	// Both populations, every kind of row once each (the duration's resolved-mean sensitivity row
	// besides the headline); one headline row per metric, of the configured population, per protocol.
	methods := map[string]int{}
	headlines := map[string]int{}
	byKey := map[string]models.Estimate{}
	for _, e := range res.Estimates {
		if e.Headline {
			headlines[e.Metric]++
			if e.Population != PopulationPerProtocol || e.Method != MethodDiD || e.Aggregation != AggSimple {
				t.Errorf("headline row of %s: population %q, %s/%s", e.Metric, e.Population, e.Method, e.Aggregation)
			}
		}
		if e.Metric == "incident_resolve_hours" {
			k := e.Population + ":" + e.Method + "/" + e.Aggregation + "/" + e.Outcome
			methods[k]++
			if e.RelPeriod == nil {
				byKey[k] = e
			}
		}
	}
	for _, pop := range []string{PopulationPerProtocol, PopulationIntentionToTreat} {
		for _, k := range []string{"did/simple/" + OutcomeRestrictedMeanLog, "did/simple/" + OutcomeResolvedMeanLog, "did/dynamic/" + OutcomeRestrictedMeanLog,
			"did/group/" + OutcomeRestrictedMeanLog, "before_after/overall/" + OutcomeResolvedMeanLog, "kaplan_meier/overall/" + OutcomeDuration} {
			if methods[pop+":"+k] != 1 {
				t.Errorf("rows %v: missing %s:%s", methods, pop, k)
			}
		}
	}
	for _, m := range res.Headline {
		if headlines[m.Metric] != 1 {
			t.Errorf("%s: %d headline rows", m.Metric, headlines[m.Metric])
		}
	}
	// No one dropped out: intention to treat is per protocol.
	for k, e := range byKey {
		if e.Population != PopulationPerProtocol || e.Aggregation == AggSensitivityRM { // sensitivity: headline population only
			continue
		}
		o := byKey[PopulationIntentionToTreat+k[len(PopulationPerProtocol):]]
		if !same(e.Estimate, o.Estimate) || !same(e.StdError, o.StdError) {
			t.Errorf("%s: per protocol %v (SE %v), intention to treat %v (SE %v), with no dropout", k, e.Estimate, e.StdError, o.Estimate, o.StdError)
		}
	}
	var inView int
	if err := st.DB().QueryRow(`SELECT count(*) FROM v_headline WHERE population = 'per_protocol'`).Scan(&inView); err != nil || inView != len(res.Headline) {
		t.Errorf("v_headline: %d per-protocol rows (%v), want %d", inView, err, len(res.Headline))
	}
	if methods[PopulationPerProtocol+":did/event_time/"+OutcomeRestrictedMeanLog] < 10 {
		t.Errorf("event-time rows: %v", methods)
	}
	// The ROI: 20 participants, cost 25,000; faster resolution is a benefit.
	var total, resolve models.ROI
	for _, r := range res.ROI {
		switch r.Metric {
		case "total":
			total = r
		case "incident_resolve_hours":
			resolve = r
		}
	}
	if total.Cost != 25000 || !(resolve.Benefit > 0) || !(resolve.EffectPerEvent < 0) || resolve.AnnualVolume != 20*12*5 {
		t.Errorf("roi total %+v resolve %+v", total, resolve)
	}

	// Written in the database, replaced (not doubled) by a second run, identical for the seed up to
	// the last bits of DuckDB's parallel floating-point sums (cell means).
	res2, err := Run(ctx, st, cfg, "2025-Q4", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var n, nroi int
	st.DB().QueryRow(`SELECT count(*) FROM estimates WHERE period = '2025-Q4'`).Scan(&n)
	st.DB().QueryRow(`SELECT count(*) FROM roi WHERE period = '2025-Q4'`).Scan(&nroi)
	if n != len(res2.Estimates) || nroi != len(res2.ROI) {
		t.Errorf("rows in db %d/%d, want %d/%d", n, nroi, len(res2.Estimates), len(res2.ROI))
	}
	for i := range res.Estimates {
		a, b := res.Estimates[i], res2.Estimates[i]
		if a.Metric != b.Metric || !same(a.Estimate, b.Estimate) || !same(a.CILow, b.CILow) || !same(a.PValue, b.PValue) {
			t.Fatalf("not deterministic: %+v vs %+v", a, b)
		}
	}
}

func same(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) || (math.IsNaN(a) && math.IsNaN(b))
}

// TestShareRelativeToCounterfactual: a share with a small pre-treatment level and an upward trend
// everywhere, lowered by 0.04 in treated units after treatment (no noise, parallel trends). The
// DiD recovers −0.04, and its relative change is −0.04 over what the treated units would have
// shown untrained after treatment — not over their pre-treatment level, against which the trend
// would make the change look like more than −100% once the effect exceeds that level.
func TestShareRelativeToCounterfactual(t *testing.T) {
	m := queries.Metric{Name: "share_metric", Kind: queries.KindProportion, Better: "lower", Unit: "share"}
	p := &metrics.Panel{Metric: m.Name}
	var cfSum, cfN float64
	for u := 0; u < 60; u++ {
		p.Units = append(p.Units, fmt.Sprintf("u%02d", u))
		g := []int{0, 10, 14}[u%3]
		for period := 1; period <= 24; period++ {
			if g > 0 && period == g-1 {
				continue // washout
			}
			y := 0.01 + 0.01*float64(period)
			if g > 0 && period >= g {
				cfSum, cfN = cfSum+y, cfN+1
				y -= 0.04
			}
			tp := 0
			if g > 0 {
				tp = g - 1
			}
			p.Cells = append(p.Cells, metrics.Cell{Unit: u, Period: period, Group: g, TreatedPeriod: tp, N: 10, Mean: y})
		}
	}
	a := config.Default().Analysis
	a.Bootstrap = 0
	out := estimatePanel(m, p, a)
	h := out.rows[out.headline]
	if math.Abs(h.Estimate+0.04) > 1e-9 {
		t.Fatalf("DiD estimate %v, want -0.04", h.Estimate)
	}
	want := -0.04 / (cfSum / cfN)
	if math.Abs(h.RelativeChange-want) > 1e-9 || h.RelativeChange <= -1 {
		t.Errorf("relative change %v, want %v (−0.04 over the counterfactual post-treatment share)", h.RelativeChange, want)
	}
}

// A person-level row resting on fewer than min_cell treated people keeps its counts and flags but
// not its numbers; Kaplan–Meier and the pooled test go with the before/after people they pool.
func TestSuppressSmall(t *testing.T) {
	row := func(method, agg string, n int, flags ...string) models.Estimate {
		return models.Estimate{Metric: "m", Method: method, Aggregation: agg, NTreatedUnits: n, Estimate: 0.3,
			CILow: 0.1, CIHigh: 0.5, RelativeChange: 0.35, StdError: 0.1, PValue: 0.01, QValue: 0.02, MDE: 0.28, Flags: flags}
	}
	rows := []models.Estimate{
		row(MethodDiD, AggSimple, 12),
		row(MethodDiD, AggEventTime, 4),
		row(MethodDiD, AggEventTime, 5),
		row(MethodBeforeAfter, AggOverall, 3, FlagNotCausal),
		row(MethodKaplanMeier, AggOverall, 0, FlagNotCausal),
		row(MethodDiD, AggGroup, 2, FlagNotEstimable),
	}
	suppressSmall(rows, 5)
	want := []bool{false, true, false, true, true, false}
	for i, r := range rows {
		suppressed := slices.Contains(r.Flags, FlagSuppressed)
		if suppressed != want[i] {
			t.Errorf("row %d (%s/%s, %d people): suppressed %v, want %v", i, r.Method, r.Aggregation, r.NTreatedUnits, suppressed, want[i])
		}
		if suppressed && (!math.IsNaN(r.Estimate) || !math.IsNaN(r.CILow) || !math.IsNaN(r.PValue) || !math.IsNaN(r.RelativeChange) || !math.IsNaN(r.MDE)) {
			t.Errorf("row %d suppressed but still holds numbers: %+v", i, r)
		}
		if !suppressed && r.Estimate != 0.3 {
			t.Errorf("row %d changed: %+v", i, r)
		}
	}
}

// With teams as units, every estimable row of a metric is suppressed when fewer than min_cell
// people stand behind the treated teams' events, whatever the number of teams; at min_cell people
// nothing changes.
func TestSuppressFewPeople(t *testing.T) {
	rows := func() []models.Estimate {
		return []models.Estimate{
			{Metric: "m", Method: MethodDiD, Aggregation: AggSimple, NTreatedUnits: 12, Estimate: 0.3, CILow: 0.1, CIHigh: 0.5, PValue: 0.01, MDE: 0.2},
			{Metric: "m", Method: MethodKaplanMeier, Aggregation: AggOverall, Estimate: 0.2, PValue: 0.04, Flags: []string{FlagNotCausal}},
			{Metric: "m", Method: MethodDiD, Aggregation: AggGroup, Estimate: math.NaN(), Flags: []string{FlagNotEstimable}},
		}
	}
	few := rows()
	suppressFewPeople(few, 4, 5)
	for i, r := range few[:2] {
		if !slices.Contains(r.Flags, FlagSuppressed) || !math.IsNaN(r.Estimate) || !math.IsNaN(r.PValue) || !math.IsNaN(r.CILow) {
			t.Errorf("4 people, row %d not suppressed: %+v", i, r)
		}
	}
	if slices.Contains(few[2].Flags, FlagSuppressed) {
		t.Errorf("a row without an estimate was flagged suppressed: %+v", few[2])
	}
	if few[0].NTreatedUnits != 12 {
		t.Errorf("counts changed: %+v", few[0])
	}
	enough := rows()
	suppressFewPeople(enough, 5, 5)
	if enough[0].Estimate != 0.3 || enough[1].Estimate != 0.2 || slices.Contains(enough[0].Flags, FlagSuppressed) {
		t.Errorf("5 people, rows changed: %+v", enough)
	}
}
