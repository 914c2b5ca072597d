package org

import (
	"math/rand/v2"
	"time"
)

// mix is the splitmix64 finalizer: a bijection on uint64, so distinct
// counters give distinct ids.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

const base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const hexdigits = "0123456789abcdef"

// idGen makes unique, deterministic ids from counters.
type idGen struct {
	seed uint64
	n    uint64
}

func (g *idGen) next() uint64 {
	g.n++
	return mix(g.seed ^ mix(g.n))
}

// b36 returns prefix + 13 base-36 characters encoding a unique 64-bit value.
func (g *idGen) b36(prefix string) string {
	v := g.next()
	b := make([]byte, len(prefix)+13)
	copy(b, prefix)
	for i := len(b) - 1; i >= len(prefix); i-- {
		b[i] = base36[v%36]
		v /= 36
	}
	return string(b)
}

// hex returns n hex characters (n <= 48) from unique values.
func (g *idGen) hex(n int) string {
	b := make([]byte, n)
	v := g.next()
	w := mix(v)
	x := mix(w)
	for i := 0; i < n; i++ {
		var src uint64
		switch i / 16 {
		case 0:
			src = v
		case 1:
			src = w
		default:
			src = x
		}
		b[i] = hexdigits[(src>>(4*(i%16)))&15]
	}
	return string(b)
}

// sha returns a 40-hex commit sha.
func (g *idGen) sha() string { return g.hex(40) }

// short returns prefix + n base-36 characters; uniqueness is checked by the caller.
func short(r *rand.Rand, prefix string, n int) string {
	b := make([]byte, len(prefix)+n)
	copy(b, prefix)
	for i := len(prefix); i < len(b); i++ {
		b[i] = base36[r.IntN(36)]
	}
	return string(b)
}

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, mix(stream^0x5eed)))
}

// lognormal draws median·exp(sigma·N(0,1)).
func lognormal(r *rand.Rand, median, sigma float64) float64 {
	return median * expf(sigma*r.NormFloat64())
}

// dur converts hours to a duration truncated to the second (at least 1 s).
func dur(hours float64) time.Duration {
	d := time.Duration(hours * float64(time.Hour)).Truncate(time.Second)
	if d < time.Second {
		d = time.Second
	}
	return d
}

// day truncates t to 00:00 UTC.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// poissonTimes returns event times of a Poisson process with the given rate
// per day over [from, to), with a weekday/office-hours profile: 80% of events
// fall on weekdays, during 08:00–19:00 UTC when work hours is true.
func poissonTimes(r *rand.Rand, from, to time.Time, perDay float64, workHours bool) []time.Time {
	if perDay <= 0 || !from.Before(to) {
		return nil
	}
	var out []time.Time
	days := int(to.Sub(from).Hours()/24) + 1
	for d := 0; d < days; d++ {
		base := day(from).AddDate(0, 0, d)
		rate := perDay
		wd := base.Weekday()
		if workHours && (wd == time.Saturday || wd == time.Sunday) {
			rate *= 0.25
		}
		k := poisson(r, rate)
		for i := 0; i < k; i++ {
			var sec int
			if workHours && r.Float64() < 0.85 {
				sec = 8*3600 + r.IntN(11*3600)
			} else {
				sec = r.IntN(86400)
			}
			t := base.Add(time.Duration(sec) * time.Second)
			if !t.Before(from) && t.Before(to) {
				out = append(out, t)
			}
		}
	}
	return out
}

// poisson draws a Poisson variate (Knuth; small means only).
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		v := int(mean + r.NormFloat64()*sqrtf(mean) + 0.5)
		if v < 0 {
			v = 0
		}
		return v
	}
	l := expf(-mean)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
