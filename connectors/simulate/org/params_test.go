package org

import "testing"

// TestShapeParameters: TeamSize sets the number of teams, the per-source scales move only their own
// source's volume, and a longer deployment interval gives fewer deployments; the defaults leave
// the organisation as it was (8 people per team).
func TestShapeParameters(t *testing.T) {
	base := Generate(Params{Seed: 5, People: 96})
	if got := len(base.Teams); got != 96/8 {
		t.Errorf("default team size: %d teams of 96 people, want 12", got)
	}
	small := Generate(Params{Seed: 5, People: 96, TeamSize: 4})
	if got := len(small.Teams); got != 24 {
		t.Errorf("TeamSize 4: %d teams of 96 people, want 24", got)
	}
	bc := base.Truth(base.Now).Counts
	shaped := Generate(Params{Seed: 5, People: 96, IncidentScale: 2, TicketScale: 0.5, PRScale: 0.25, DeployIntervalHours: 192})
	sc := shaped.Truth(shaped.Now).Counts
	ratio := func(a, b int) float64 { return float64(a) / float64(b) }
	for _, c := range []struct {
		what   string
		got    float64
		lo, hi float64
	}{
		{"incidents", ratio(sc.Incidents, bc.Incidents), 1.7, 2.3},
		{"tickets", ratio(sc.Tickets, bc.Tickets), 0.4, 0.6},
		{"pull requests", ratio(sc.PullRequests, bc.PullRequests), 0.18, 0.32},
		{"deployments", ratio(sc.Deployments, bc.Deployments), 0.15, 0.4},
	} {
		t.Logf("%s: %.2f", c.what, c.got)
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.2f× the default volume, want between %.2f and %.2f", c.what, c.got, c.lo, c.hi)
		}
	}
	if sc.Teams != bc.Teams || sc.People != bc.People {
		t.Errorf("volume parameters changed the people or teams: %d/%d vs %d/%d", sc.People, sc.Teams, bc.People, bc.Teams)
	}
}
