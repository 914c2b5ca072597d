package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// EventStudy is the event-study form of a staggered DiD (did's aggte type = "dynamic" terms) with
// the joint covariance of its coefficients, the input of RelativeMagnitudes.
type EventStudy struct {
	// Events are the event times e = t − g kept, ascending, without the reference event (with a
	// universal base period, −1 − Anticipation, whose coefficient is 0 by construction).
	Events []int
	// Beta are the event-time ATTs (cohort-share weighted averages of the ATT(g, t) with
	// t − g = e), equal to Aggregate(AggDynamic).Terms' ATT.
	Beta []float64
	// Cov is their analytic covariance Σ_i IF_i IF_iᵀ / N² (influence functions including the
	// estimation of the cohort weights), whose diagonal gives the terms' SE².
	Cov *mat.SymDense
	// Reference is the reference event time (the base period's); NumPre counts the events before
	// it and NumPost the events after it.
	Reference, NumPre, NumPost int
}

// EventStudy returns the event-time coefficients of gt with e in [minE, maxE] and their covariance.
// gt should use a universal base period (DiDOptions.Base = BaseUniversal), as Rambachan & Roth's
// sensitivity analysis requires (every coefficient is measured from the same base period, so the
// pre-treatment ones trace the differential trend); the reference event (−1 − Anticipation),
// whose coefficient is 0, is left out. It returns an error wrapping ErrEmptyCell when no event
// time in the window has a cell.
func (gt *GroupTime) EventStudy(minE, maxE int) (*EventStudy, error) {
	n := float64(gt.N)
	ref := math.MinInt
	byEvent := map[int][]int{}
	for k, c := range gt.Cells {
		if c.Reference {
			ref = c.Event
			continue
		}
		if math.IsNaN(c.ATT) || c.Event < minE || c.Event > maxE {
			continue
		}
		byEvent[c.Event] = append(byEvent[c.Event], k)
	}
	var events []int
	for e := range byEvent {
		events = append(events, e)
	}
	slices.Sort(events)
	if len(events) == 0 {
		return nil, fmt.Errorf("stats: event study in [%d, %d]: %w", minE, maxE, ErrEmptyCell)
	}
	es := &EventStudy{Events: events, Reference: ref}
	cohOf := func(g int) int {
		c, _ := slices.BinarySearch(gt.cohG, g)
		return c
	}
	ifs := make([][]float64, len(events))
	for j, e := range events {
		ks := byEvent[e]
		pg := make([]float64, len(ks))
		att := make([]float64, len(ks))
		coh := make([]int, len(ks))
		var spg float64
		for i, k := range ks {
			c := gt.Cells[k]
			coh[i] = cohOf(c.Group)
			pg[i], att[i] = gt.cohW[coh[i]]/n, c.ATT
			spg += pg[i]
		}
		l := didLin{cell: map[int]float64{}}
		var est float64
		for i, k := range ks {
			l.cell[k] += pg[i] / spg
			est += pg[i] / spg * att[i]
		}
		l = didWIF(l, len(gt.cohG), coh, pg, att)
		es.Beta = append(es.Beta, est)
		ifs[j] = gt.influence(l)
		if ref != math.MinInt && e < ref {
			es.NumPre++
		} else {
			es.NumPost++
		}
	}
	es.Cov = mat.NewSymDense(len(events), nil)
	for a := range events {
		for b := a; b < len(events); b++ {
			var s float64
			for i := range ifs[a] {
				s += ifs[a][i] * ifs[b][i]
			}
			es.Cov.SetSym(a, b, s/(n*n))
		}
	}
	return es, nil
}
