package analyze

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/trainimpact/trainimpact/pipeline/metrics"
)

// realHorizon is the horizon (hours) of the realistic scenario's restricted-mean-log outcome.
const realHorizon = 720

// simRealistic simulates, event by event, an organisation like the ones the tool meets (issue 19,
// item 7): 36 teams over 30 months; 18 trained in month cohorts of 1–6 teams (sizes 1, 3, 2, 6,
// 4, 2; first whole post-washout months 10, 12, 13, 15, 18, 21; the washout month before is not in
// the panel), each trained team dropping out with probability 0.15 (left out: per protocol);
// 18 never trained. Each team has a Poisson(8) number of items a month with log duration (hours)
// 3 + team effect N(0, 0.5²) + common random-walk trend + N(0, 0.8²); a trained team's own effect is
// effect·exp(N(0, 0.5²))/exp(0.125) (heterogeneous, mean effect) from g on, and half of it in the
// month before the washout (anticipation: the analysis runs with analysis.anticipation 1); slope
// adds slope·(t − g) to trained teams' log durations in every month (a linear pre-trend). Items
// occur uniformly within their month; the cut-off is the end of month 30 and an item not done by
// then is open (censored at its age). The cells carry both outcomes: the mean log of the resolved
// items and the restricted mean log at realHorizon hours (items at least that old at the cut-off).
func simRealistic(rng *rand.Rand, effect, slope float64) *metrics.Panel {
	p := &metrics.Panel{Metric: "sim"}
	sizes := []int{1, 3, 2, 6, 4, 2}
	gs := []int{10, 12, 13, 15, 18, 21}
	trend := make([]float64, 31)
	for t := 1; t <= 30; t++ {
		trend[t] = trend[t-1] + rng.NormFloat64()*0.1
	}
	const month = 720.0 // hours
	u := 0
	addUnit := func(g int) {
		fe := rng.NormFloat64() * 0.5
		own := effect * math.Exp(0.5*rng.NormFloat64()) / math.Exp(0.125)
		if g > 0 && rng.Float64() < 0.15 {
			return // dropped out: not in the per-protocol panel
		}
		p.Units = append(p.Units, fmt.Sprintf("u%02d", u))
		tp := 0
		if g > 0 {
			tp = g - 1
		}
		for t := 1; t <= 30; t++ {
			n := poisson(rng, 8)
			mu := 3 + fe + trend[t]
			if g > 0 {
				mu += slope * float64(t-g)
				switch {
				case t >= g:
					mu += own
				case t == g-2:
					mu += own / 2
				}
			}
			if (g > 0 && t == tp) || n == 0 {
				continue
			}
			c := metrics.Cell{Unit: u, Period: t, Group: g, TreatedPeriod: tp, N: int64(n)}
			var sumLog, sumH float64
			var nRes int64
			for range n {
				age := (30 - float64(t) + rng.Float64()) * month
				dur := math.Exp(mu + 0.8*rng.NormFloat64())
				open := dur > age
				if open {
					c.NCensored++
				} else {
					sumLog += math.Log(math.Max(dur, 0.01))
					nRes++
				}
				if age >= realHorizon {
					c.NH++
					sumH += math.Log(math.Max(math.Min(dur, realHorizon), 0.01))
				}
			}
			c.MeanLog, c.MeanLogH = math.NaN(), math.NaN()
			if nRes > 0 {
				c.MeanLog = sumLog / float64(nRes)
			}
			if c.NH > 0 {
				c.MeanLogH = sumH / float64(c.NH)
			}
			p.Cells = append(p.Cells, c)
		}
		u++
	}
	for c, n := range sizes {
		for range n {
			addUnit(gs[c])
		}
	}
	for range 18 {
		addUnit(0)
	}
	return p
}
