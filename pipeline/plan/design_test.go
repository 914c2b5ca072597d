package plan

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

// TestPeriodIndexMatchesTheMacro: analyze.PeriodIndex (which plan lays rollouts with) gives the warehouse's period_index macro's numbers
// for months, quarters and weeks (dates around year ends and leap days, from 1969-12-29 on: the
// macro truncates negative weeks towards zero), and
// PeriodStart is the first day of that period.
func TestPeriodIndexMatchesTheMacro(t *testing.T) {
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
	if err := st.Write(ctx, func(w *store.Writer) error { return cat.CreateViews(ctx, w) }); err != nil {
		t.Fatal(err)
	}
	dates := []time.Time{time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)}
	for _, kind := range []string{"month", "quarter", "week"} {
		for _, d := range dates {
			var want int
			if err := st.DB().QueryRow("SELECT period_index(CAST(? AS DATE), ?)", d.Format("2006-01-02"), kind).Scan(&want); err != nil {
				t.Fatal(err)
			}
			got := analyze.PeriodIndex(d, kind)
			if got != want {
				t.Errorf("%s of %s: %d, the macro says %d", kind, d.Format("2006-01-02"), got, want)
			}
			s := PeriodStart(got, kind)
			if analyze.PeriodIndex(s, kind) != got || s.After(d) || analyze.PeriodIndex(s.AddDate(0, 0, -1), kind) != got-1 {
				t.Errorf("%s %d starts %s", kind, got, s)
			}
		}
	}
}

// TestDesignHelpers: the rollout CSV parser orders cohorts by month; EvenRollout splits teams
// with the remainder first; Scaled keeps the total and the proportions; Distinct counts the ways
// of filling the cohorts; cohortTiming applies the washout as units.sql does.
func TestDesignHelpers(t *testing.T) {
	cs, err := ReadRollout(strings.NewReader("\ufeffteams,cohort,start_month\n3,b,2027-05\n# later\n2,a,2027-03\n"), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Name != "a" || cs[0].Teams != 2 || !cs[1].Start.Equal(time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%+v", cs)
	}
	var re *RolloutError
	if _, err := ReadRollout(strings.NewReader("cohort,start_month,teams\na,2027-03,0\n"), "r.csv"); !errors.As(err, &re) || re.Line != 2 || re.Column != "teams" || !errors.Is(err, ErrBadRollout) {
		t.Errorf("0 teams: %v", err)
	}
	even, err := EvenRollout(10, 4, 2, time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, c := range even {
		sizes = append(sizes, c.Teams)
	}
	if fmt.Sprint(sizes) != "[3 3 2 2]" || !even[3].Start.Equal(time.Date(2028, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("even: %v, last %s", sizes, even[3].Start)
	}
	d := Design{Cohorts: even, Quarters: 2}
	for _, n := range []int{1, 3, 5, 10} {
		s := d.Scaled(n)
		if s.Teams() != n || s.Quarters != 2 {
			t.Errorf("scaled to %d: %d teams", n, s.Teams())
		}
	}
	if s := d.Scaled(5); len(s.Cohorts) != 4 {
		t.Errorf("half of 3,3,2,2: %+v", s.Cohorts)
	}
	// 5 teams into cohorts of 2 and 1: 5!/(2! 1! 2!) = 30.
	if got := Distinct(5, Design{Cohorts: []Cohort{{Teams: 2}, {Teams: 1}}}); got != 30 {
		t.Errorf("distinct %v, want 30", got)
	}
	if got := Distinct(2, Design{Cohorts: []Cohort{{Teams: 3}}}); got != 0 {
		t.Errorf("distinct of too many %v", got)
	}
	a := config.Default().Analysis
	// Completion on 2027-03-01 with a 30-day washout: March is the washout, April the first
	// trained month; February (28 days) pushes it to April too, with two washout months.
	for _, c := range []struct {
		start     time.Time
		washout   int
		tp, first time.Time
	}{
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), 30, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), 30, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), 0, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)},
	} {
		tm := cohortTiming(Cohort{Start: c.start}, "month", c.washout)
		if tm.treated != analyze.PeriodIndex(c.tp, "month") || tm.g != analyze.PeriodIndex(c.first, "month") {
			t.Errorf("%s, washout %d: treated %s, first %s", c.start.Format("2006-01"), c.washout,
				PeriodStart(tm.treated, "month").Format("2006-01"), PeriodStart(tm.g, "month").Format("2006-01"))
		}
	}
	// layout: the window of 4 quarters after April 2027 ends where a history of periods
	// [first, first+24) ends; the design needs 2 + 13 periods of it, a 12-period history is short.
	first := analyze.PeriodIndex(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "month")
	one := Design{Cohorts: []Cohort{{Start: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), Teams: 3}}, Quarters: 4}
	r, err := layout(one, "month", a, first, first+24)
	if err != nil || r.Offsets[0] != 24-12 || r.Washout[0] != 1 {
		t.Errorf("layout: %+v %v", r, err)
	}
	if _, err := layout(one, "month", a, first, first+12); !errors.Is(err, ErrShortHistory) {
		t.Errorf("12 periods of history: %v", err)
	}
}
