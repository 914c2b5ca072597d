package charts

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// roundSig rounds v to 9 significant digits, dropping the binary noise of tick arithmetic
// (0.30000000000000004 → 0.3).
func roundSig(v float64) float64 {
	if v == 0 || !finite(v) {
		return v
	}
	s := strconv.FormatFloat(v, 'g', 9, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

// trimNum formats v without trailing zeros.
func trimNum(v float64) string {
	v = roundSig(v)
	if v == 0 {
		return "0" // also turns -0 into 0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// tickPct formats a fraction as a signed percentage for an axis: +10%, 0%, -25%.
func tickPct(v float64) string {
	s := trimNum(v * 100)
	if s != "0" && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s + "%"
}

// pct formats a fraction as a signed percentage for a sentence, to whole percent from 10% on
// and to one decimal below: -21%, +4.3%, 0%.
func pct(v float64) string {
	p := v * 100
	prec := 0
	if math.Abs(p) < 9.95 {
		prec = 1
	}
	s := strconv.FormatFloat(p, 'f', prec, 64)
	s = strings.TrimSuffix(s, ".0")
	switch {
	case s == "0" || s == "-0":
		return "0%"
	case strings.HasPrefix(s, "-"):
		return s + "%"
	default:
		return "+" + s + "%"
	}
}

// grouped formats v rounded to a whole number with thousands separators: 1,234,567.
func grouped(v float64) string {
	r := math.Round(v)
	neg := r < 0
	s := strconv.FormatFloat(math.Abs(r), 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// compact formats an axis amount: 950, 12k, 1.5M.
func compact(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trimNum(v/1e9) + "B"
	case a >= 1e6:
		return trimNum(v/1e6) + "M"
	case a >= 1e4:
		return trimNum(v/1e3) + "k"
	default:
		return trimNum(v)
	}
}

// sig formats a positive quantity (a duration) to three significant digits: 0.25, 4.5, 130.
func sig(v float64) string {
	if !finite(v) {
		return "n/a"
	}
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

// niceTicks returns a ticker that labels with f every multiple of a round step (1, 2, 2.5 or 5
// times a power of ten) chosen to give at most nine labels between min and max; zero, when in
// range, is always one of them.
func niceTicks(f func(float64) string) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		if !finite(min, max) || max <= min {
			return []plot.Tick{{Value: min, Label: f(min)}}
		}
		// The smallest round step giving at most eight intervals.
		span := max - min
		mag := math.Pow10(int(math.Floor(math.Log10(span / 8))))
		step := 10 * mag
		for _, m := range []float64{1, 2, 2.5, 5} {
			if span/(m*mag) <= 8 {
				step = m * mag
				break
			}
		}
		var ts []plot.Tick
		for k := math.Ceil(min / step); k*step <= max*(1+1e-12); k++ {
			v := roundSig(k * step)
			ts = append(ts, plot.Tick{Value: v, Label: f(v)})
		}
		return ts
	})
}

// pad widens an axis range by frac of its span on each side, so that caps and glyphs at the
// extremes are not cut by the plot's edge.
func pad(a *plot.Axis, frac float64) {
	span := a.Max - a.Min
	if !finite(span) {
		return
	}
	if span == 0 {
		span = math.Max(math.Abs(a.Max), 1)
	}
	a.Min -= frac * span
	a.Max += frac * span
}

// integerTicks labels whole numbers only, every 1, 2, 5, 10, … so that at most 13 are labelled.
func integerTicks(min, max float64) []plot.Tick {
	lo, hi := math.Ceil(min), math.Floor(max)
	step := 1.0
	for _, m := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000} {
		step = m
		if (hi-lo)/m <= 12 {
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: trimNum(v)})
	}
	return ts
}

// logTicks labels a log axis: 1-2-5 in each decade when the range spans at most three decades,
// powers of ten otherwise, with unlabelled minor ticks at every integer multiple of a power of
// ten. min and max must be positive (plot.LogScale needs it too).
func logTicks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > 0) {
		return nil
	}
	labelled := map[int]bool{1: true}
	if math.Log10(max/min) <= 3 {
		labelled[2], labelled[5] = true, true
	}
	var ts []plot.Tick
	for e := int(math.Floor(math.Log10(min))); e <= int(math.Ceil(math.Log10(max))); e++ {
		base := math.Pow10(e)
		for m := 1; m <= 9; m++ {
			v := roundSig(float64(m) * base)
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[m] {
				t.Label = trimNum(v)
			}
			ts = append(ts, t)
		}
	}
	n := 0
	for _, t := range ts {
		if t.Label != "" {
			n++
		}
	}
	if n < 2 { // a narrow range: label every tick
		for i := range ts {
			ts[i].Label = trimNum(ts[i].Value)
		}
	}
	return ts
}

// clean makes a string from the data safe to draw as XML text: invalid UTF-8 becomes U+FFFD,
// tabs and carriage returns become spaces, and characters XML 1.0 forbids (other control
// characters, U+FFFE, U+FFFF) are dropped. Newlines stay (they break lines). Markup characters
// are left alone: vgsvg and render escape them.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\r':
			return ' '
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		}
		return r
	}, s)
}

// wrap breaks s into lines of at most n runes at spaces; a word longer than n is cut.
func wrap(s string, n int) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		for _, w := range strings.Fields(para) {
			word := []rune(w)
			for len(word) > n {
				if len(line) > 0 {
					lines = append(lines, string(line))
					line = nil
				}
				lines = append(lines, string(word[:n]))
				word = word[n:]
			}
			switch {
			case len(line) == 0:
				line = word
			case len(line)+1+len(word) <= n:
				line = append(append(line, ' '), word...)
			default:
				lines = append(lines, string(line))
				line = word
			}
		}
		lines = append(lines, string(line))
	}
	return strings.Join(lines, "\n")
}
