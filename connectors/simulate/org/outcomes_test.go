package org

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"testing"
	"time"
)

// outcomeShares reads an outcome file and returns, per instrument or survey kind, the mean share
// (score / scale; for surveys the share of favourable answers, score ≥ 80% of the scale) of the
// rows about teams treated by the row's date and of the others. rowTeam names the team of a row.
func outcomeShares(t *testing.T, data []byte, favourable bool, dateCol, scoreCol, topCol int, rowTeam func([]string) *Team) map[string][2]float64 {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sum, n := map[string][2]float64{}, map[string][2]float64{}
	for _, r := range rows[1:] {
		at, err := time.Parse(time.DateOnly, r[dateCol])
		if err != nil {
			t.Fatal(err)
		}
		score, _ := strconv.ParseFloat(r[scoreCol], 64)
		top, _ := strconv.ParseFloat(r[topCol], 64)
		tm := rowTeam(r)
		if tm == nil {
			continue
		}
		k := 0
		if !tm.TreatedAt.IsZero() && !tm.TreatedAt.After(at) {
			k = 1
		}
		v := score / top
		if favourable { // surveys: favourable or not
			v = 0
			if score >= 0.8*top {
				v = 1
			}
		}
		s, c := sum[r[1]], n[r[1]] // instrument or survey kind
		s[k] += v
		c[k]++
		sum[r[1]], n[r[1]] = s, c
	}
	out := map[string][2]float64{}
	for k, s := range sum {
		out[k] = [2]float64{s[0] / n[k][0], s[1] / n[k][1]}
	}
	return out
}

// The relative outcome effects multiply the treated teams' shares by 1+e: the treated/untreated
// ratio of the leads' manager observations and of favourable pulse answers is about 1.25 with
// e = +0.25 and about 1 with none (teams differ in their base levels, so the ratio of one draw is
// compared within a tolerance; the planted ratio must also beat the placebo's).
func TestRelativeOutcomeEffects(t *testing.T) {
	o := Generate(Params{Seed: 3, Size: Medium})
	ratio := func(e float64) map[string]float64 {
		var a, s bytes.Buffer
		oe := RelativeOutcomeEffects(e)
		if err := o.WriteAssessmentsCSV(&a, o.Now, oe); err != nil {
			t.Fatal(err)
		}
		if err := o.WriteSurveysCSV(&s, o.Now, oe); err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		byEmail := map[string]*Person{}
		for _, p := range o.People {
			byEmail[p.Email] = p
		}
		for k, v := range outcomeShares(t, a.Bytes(), false, 2, 3, 4, func(r []string) *Team {
			at, _ := time.Parse(time.DateOnly, r[2])
			return o.TeamOf(byEmail[r[0]], at)
		}) {
			out[k] = v[1] / v[0]
		}
		for k, v := range outcomeShares(t, s.Bytes(), true, 3, 6, 7, func(r []string) *Team { return o.Team(r[0]) }) {
			out[k] = v[1] / v[0]
		}
		return out
	}
	planted, placebo := ratio(0.25), ratio(0)
	t.Logf("treated/untreated: planted %v, placebo %v", planted, placebo)
	for _, k := range []string{"manager observation", "engagement", "stakeholder_satisfaction"} {
		if math.Abs(placebo[k]-1) > 0.12 || math.Abs(planted[k]-1.25) > 0.15 || planted[k] < placebo[k]+0.15 {
			t.Errorf("%s: treated/untreated %.3f planted, %.3f placebo; want about 1.25 and 1", k, planted[k], placebo[k])
		}
	}
	truths := RelativeOutcomeEffects(0.25).Truths()
	if len(truths) != 3 || truths[0].Metric != MetricAssessment || truths[0].Relative != 0.25 {
		t.Errorf("truths %+v", truths)
	}
}
