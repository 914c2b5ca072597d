package analyze

import "sort"

// Sparse panels: a metric measured only in some periods — a quarterly engagement pulse analysed
// by month — leaves whole periods without a cell for any unit. Callaway & Sant'Anna compare each
// cohort with its last period before treatment; when that calendar period holds no measurement
// for anyone, the cohort is not estimated at all, the varying-base pre-treatment cells (t against
// t − 1) never find two observed periods in a row, and what remains rests on the few cohorts whose
// base happens to be a survey month (on a 300-person organisation with nothing planted, a monthly
// DiD of engagement_score came out at −0.28 [−0.48, −0.09] on the share scale, each event time on
// 2 to 6 teams).
//
// compactPeriods therefore numbers only the periods in which some unit has a cell: the k-th such
// period becomes first + k, a cohort's first treated period becomes the first such period at or
// after it, and so does the period of its treatment date (so the base period is the last
// measurement before treatment and the washout the measurements skipped after it). A panel with a
// cell in every period from its first to its last is left exactly as it is, so every metric with
// events in each period estimates as before; for a sparse one event times count measurements
// (pulses), not calendar periods.

// compactPeriods renumbers p's periods and groups in place (see above) given, for each row, the
// period of its unit's treatment date (0 when none), and returns the most periods any unit spends
// in washout in the new numbering. It records the mapping back in p.calendar, nil when nothing
// changed.
func compactPeriods(p *intPanel, treatedPeriod []int) int {
	if len(p.time) == 0 {
		return 0
	}
	seen := map[int]bool{}
	for _, t := range p.time {
		seen[t] = true
	}
	kept := make([]int, 0, len(seen))
	for t := range seen {
		kept = append(kept, t)
	}
	sort.Ints(kept)
	first := kept[0]
	dense := kept[len(kept)-1]-first == len(kept)-1
	// at maps a period to the first kept period at or after it, in the new numbering; past the
	// last kept period it is first + len(kept) (after the panel: never treated within it).
	at := func(t int) int { return first + sort.SearchInts(kept, t) }
	washout := 0
	for i := range p.time {
		g, tp := p.group[i], treatedPeriod[i]
		if !dense {
			p.time[i] = at(p.time[i])
			if g > 0 {
				g = at(g)
				p.group[i] = g
			}
			if tp > 0 {
				tp = at(tp)
			}
		}
		if g > 0 && g-tp > washout {
			washout = g - tp
		}
	}
	if !dense {
		p.calendar = kept
	}
	return washout
}

// calendarPeriod returns the calendar period of period t of p's numbering (t itself when the
// panel was not compacted).
func (p *intPanel) calendarPeriod(t int) int {
	if p.calendar == nil {
		return t
	}
	return p.calendar[t-p.calendar[0]]
}

// compactGroup returns the group of p's numbering of a calendar cohort g (g itself when the panel
// was not compacted; 0 stays 0).
func (p *intPanel) compactGroup(g int) int {
	if p.calendar == nil || g == 0 {
		return g
	}
	return p.calendar[0] + sort.SearchInts(p.calendar, g)
}
