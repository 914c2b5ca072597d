package queries

import (
	"math"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
)

// peopleRows adds to the base organisation (p1 lead of A; p2 member of B to June 30, of C from
// July 1): p3 in A from Feb 15 to May 10, then gone; p4 member of A to March 31, then lead of a new
// team D; p5 in B to August 31, then gone; p6 in C from September 15.
func peopleRows() []models.Row {
	m := func(id, person, team, role string, from, to time.Time) models.TeamMembership {
		return models.TeamMembership{MembershipID: id, PersonID: person, TeamID: team, Role: role, ValidFrom: from, ValidTo: to, SourceFile: "f", Line: 9}
	}
	return []models.Row{
		m("m4", "p3", "A", "member", day(2, 15, 0), day(5, 10, 0)),
		m("m5", "p4", "A", "member", day(1, 1, 0), day(3, 31, 0)),
		m("m6", "p4", "D", "lead", day(4, 1, 0), time.Time{}),
		m("m7", "p5", "B", "member", day(1, 1, 0), day(8, 31, 0)),
		m("m8", "p6", "C", "member", day(9, 15, 0), time.Time{}),
	}
}

// totals returns the number of events and the sum of their values.
func totals(got map[string]ev) (int, float64) {
	var s float64
	for _, e := range got {
		s += e.value.Float64
	}
	return len(got), s
}

func TestMetricAttritionRate(t *testing.T) {
	const m = "attrition_rate"
	got := runMetric(t, m, peopleRows()...)
	// Member-months January to September (October is not over at the cut-off): p2 9, p3 3 (March
	// to May), p4 3 (then a lead), p5 8; p1 is a lead, p6 joined after September 1.
	if n, s := totals(got); n != 23 || math.Abs(s-2) > 1e-9 {
		t.Errorf("%d member-months, %v leavers; want 23 and 2", n, s)
	}
	check(t, m, got, "attrition_rate:p3|2025-05", "A", 1, false)
	check(t, m, got, "attrition_rate:p3|2025-04", "A", 0, false)
	check(t, m, got, "attrition_rate:p5|2025-08", "B", 1, false)
	check(t, m, got, "attrition_rate:p2|2025-06", "B", 0, false) // moving is not leaving
	check(t, m, got, "attrition_rate:p2|2025-07", "C", 0, false)
	check(t, m, got, "attrition_rate:p4|2025-03", "A", 0, false)
	absent(t, m, got, "attrition_rate:p3|2025-02", "attrition_rate:p4|2025-04", "attrition_rate:p1|2025-03",
		"attrition_rate:p6|2025-09", "attrition_rate:p2|2025-10")
	if e := got["attrition_rate:p3|2025-05"]; e.person.String != "p3" || !e.at.Equal(day(5, 1, 0)) {
		t.Errorf("p3 May: person %v at %v", e.person, e.at)
	}
}

func TestMetricInternalMovesAndPromotions(t *testing.T) {
	// At risk: a member on the day before the month, still in the organisation on its first day:
	// p2 February to September (8), p3 March to May (3), p4 February to April (3), p5 February to
	// August (7; gone on September 1).
	const m = "internal_moves"
	got := runMetric(t, m, peopleRows()...)
	if n, s := totals(got); n != 21 || math.Abs(s-2) > 1e-9 {
		t.Errorf("%s: %d member-months, %v moves; want 21 and 2", m, n, s)
	}
	check(t, m, got, "internal_moves:p2|2025-07", "B", 1, false) // B to C on July 1, charged to B
	check(t, m, got, "internal_moves:p4|2025-04", "A", 1, false) // A to D
	check(t, m, got, "internal_moves:p2|2025-08", "C", 0, false)
	check(t, m, got, "internal_moves:p3|2025-05", "A", 0, false) // leaving is not moving
	absent(t, m, got, "internal_moves:p5|2025-09", "internal_moves:p2|2025-01", "internal_moves:p4|2025-05")

	const p = "promotions_to_lead"
	got = runMetric(t, p, peopleRows()...)
	if n, s := totals(got); n != 21 || math.Abs(s-1) > 1e-9 {
		t.Errorf("%s: %d member-months, %v promotions; want 21 and 1", p, n, s)
	}
	check(t, p, got, "promotions_to_lead:p4|2025-04", "A", 1, false)
	check(t, p, got, "promotions_to_lead:p2|2025-07", "B", 0, false)
}
