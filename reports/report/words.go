package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"
)

//go:embed phrases.tsv
var phrasesTSV string

// phrases maps a metric of the catalog to the subject of its sentences.
var phrases = func() map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(phrasesTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			panic("report: phrases.tsv: line without a tab: " + line)
		}
		out[k] = v
	}
	return out
}()

// Judge returns the verdict on an effect: Improved or Worsened only when the interval excludes
// zero and q ≤ alpha (a missing q never allows either); Suppressed and NotEstimable when there is
// no number to judge; NoDetectableChange otherwise. better is "lower" or "higher".
func Judge(e Effect, better string, alpha float64) Verdict {
	if slices.Contains(e.Flags, "suppressed") {
		return Suppressed
	}
	if math.IsNaN(e.Estimate) || math.IsNaN(e.CILow) || math.IsNaN(e.CIHigh) {
		return NotEstimable
	}
	if !ExcludesZero(e) || math.IsNaN(e.QValue) || e.QValue > alpha {
		return NoDetectableChange
	}
	down := e.CIHigh < 0
	if down == (better == "lower") {
		return Improved
	}
	return Worsened
}

// ExcludesZero reports whether the effect's interval lies wholly on one side of zero.
func ExcludesZero(e Effect) bool { return e.CILow > 0 || e.CIHigh < 0 }

// Subject is the subject of a metric's sentences: "the time to resolve an incident".
func Subject(metric, title, kind string) string {
	if s, ok := phrases[metric]; ok {
		return s
	}
	t := strings.TrimSpace(title)
	if t == "" {
		t = metric
	}
	switch kind {
	case "proportion":
		return "the share “" + t + "”"
	case "count":
		return "the count “" + t + "” per event"
	}
	return "the " + lowerFirst(t)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// UpperFirst capitalises a sentence's first letter.
func UpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Pct formats the magnitude of a fraction as a percentage without its sign: 0.213 → "21%",
// 0.042 → "4.2%" (one decimal under 10%).
func Pct(x float64) string {
	v := math.Abs(x) * 100
	if math.Round(v*10)/10 >= 10 {
		return fmt.Sprintf("%.0f%%", math.Round(v)) // halves away from zero, as people round
	}
	return fmt.Sprintf("%.1f%%", math.Round(v*10)/10)
}

// SignedPct formats a fraction as a signed percentage: -0.213 → "−21%", 0.05 → "+5.0%".
func SignedPct(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	s := Pct(x)
	switch {
	case x < 0 && s != "0.0%":
		return "−" + s
	case x > 0 && s != "0.0%":
		return "+" + s
	}
	return s
}

// direction returns the word for a decrease or an increase of a metric kind.
func direction(kind string, x float64) string {
	if kind == "duration" {
		if x < 0 {
			return "shorter"
		}
		return "longer"
	}
	if x < 0 {
		return "lower"
	}
	return "higher"
}

// magnitude formats one number of an effect's reading without its sign.
type magnitude func(x float64) string

// reading says how an effect is written: relative (percent) or absolute (percentage points of a
// share, or per-event units of a count).
type reading struct {
	point, lo, hi float64
	mag           magnitude
	unit          string // appended after a number: "" for percent, " percentage points", " per event"
}

// readingOf returns how an effect is written: relatively when its relative interval exists,
// otherwise in percentage points (shares) or per-event units (rates). ok is false when the effect
// has no number.
func readingOf(e Effect) (reading, bool) {
	if !math.IsNaN(e.Relative) && !math.IsNaN(e.RelLow) && !math.IsNaN(e.RelHigh) {
		return reading{point: e.Relative, lo: e.RelLow, hi: e.RelHigh, mag: Pct}, true
	}
	if math.IsNaN(e.Estimate) || math.IsNaN(e.CILow) || math.IsNaN(e.CIHigh) {
		return reading{}, false
	}
	switch e.Scale {
	case "share":
		return reading{point: e.Estimate, lo: e.CILow, hi: e.CIHigh, unit: " percentage points",
			mag: func(x float64) string { return fmt.Sprintf("%.1f", math.Abs(x)*100) }}, true
	case "rate":
		return reading{point: e.Estimate, lo: e.CILow, hi: e.CIHigh, unit: " per event",
			mag: func(x float64) string { return fmt.Sprintf("%.2f", math.Abs(x)) }}, true
	}
	// A log-scale effect always has a relative reading (exp(x) − 1); without one there is nothing
	// honest to write.
	return reading{}, false
}

// ChangeText writes an effect with its interval on the same scale: "21% shorter (95% CI 9% to
// 31% shorter)", "4.0% lower (95% CI 12% lower to 5.0% higher)", "3.2 percentage points higher
// (95% CI 0.5 to 5.9 percentage points higher)". "" when the effect has no number.
func ChangeText(kind string, e Effect, confidence float64) string {
	r, ok := readingOf(e)
	if !ok {
		return ""
	}
	return point(kind, r) + " (" + ciLabel(confidence) + " " + interval(kind, r) + ")"
}

// RangeText writes the range an effect could lie in: "between 34% shorter and 29% longer".
func RangeText(kind string, e Effect) string {
	r, ok := readingOf(e)
	if !ok {
		return ""
	}
	return "between " + bound(kind, r, r.lo) + " and " + bound(kind, r, r.hi)
}

func ciLabel(confidence float64) string {
	return fmt.Sprintf("%s CI", strings.TrimSuffix(fmt.Sprintf("%.1f", confidence), ".0")+"%")
}

func point(kind string, r reading) string {
	if r.mag(r.point) == r.mag(0) {
		return "no change (" + r.mag(0) + r.unit + ")"
	}
	return r.mag(r.point) + r.unit + " " + direction(kind, r.point)
}

func bound(kind string, r reading, x float64) string {
	if r.mag(x) == r.mag(0) {
		return r.mag(0) + r.unit
	}
	return r.mag(x) + r.unit + " " + direction(kind, x)
}

func interval(kind string, r reading) string {
	lo, hi := r.lo, r.hi
	if lo > hi {
		lo, hi = hi, lo
	}
	if (lo > 0 && hi > 0) || (lo < 0 && hi < 0) {
		a, b := lo, hi
		if lo < 0 { // by magnitude, smaller first
			a, b = hi, lo
		}
		return r.mag(a) + " to " + r.mag(b) + r.unit + " " + direction(kind, lo)
	}
	return bound(kind, r, lo) + " to " + bound(kind, r, hi)
}

// Who describes the treated and the comparison units in words.
func Who(unit, control string) (treated, comparison string) {
	if unit == "person" {
		treated = "for people who completed the program"
		comparison = "people not yet trained"
		if control == "never_treated" {
			comparison = "people never trained"
		}
		return
	}
	treated = "in teams whose lead completed the program"
	comparison = "teams not yet trained"
	if control == "never_treated" {
		comparison = "teams never trained"
	}
	return
}

// Sentence writes a finding's sponsor sentence from its verdict; the words claim no more than the
// verdict allows. nTests is the number of headline estimates the q-values adjust for.
func Sentence(f Finding, unit, control string, alpha, confidence float64, minCell, nTests int) string {
	subj := Subject(f.Metric, f.Title, f.Kind)
	treated, comparison := Who(unit, control)
	e := f.Headline
	switch f.Verdict {
	case Improved, Worsened:
		return fmt.Sprintf("%s %s: %s it was %s than in %s.", UpperFirst(subj), f.Verdict, treated,
			ChangeText(f.Kind, e, confidence), comparison)
	case Suppressed:
		return fmt.Sprintf("%s is not shown: fewer than %d people stand behind it.", UpperFirst(subj), minCell)
	case NotEstimable:
		return fmt.Sprintf("%s could not be estimated from the data of this period.", UpperFirst(subj))
	}
	rng := RangeText(f.Kind, e)
	if rng == "" {
		return fmt.Sprintf("No detectable change in %s.", subj)
	}
	s := fmt.Sprintf("No detectable change in %s %s compared with %s (could be %s).", subj, treated, comparison, rng)
	if ExcludesZero(e) {
		q := "not computed"
		if !math.IsNaN(e.QValue) {
			q = fmt.Sprintf("q = %.2f, above %.2f", e.QValue, alpha)
		}
		s += fmt.Sprintf(" The interval leaves out zero, but with %d measures tested together the evidence is too weak to call (%s).", nTests, q)
	}
	return s
}

// BeforeAfterSentence writes the within-treated before/after comparison, labelled as not
// isolating the program.
func BeforeAfterSentence(f Finding, unit string, confidence float64) string {
	if f.BeforeAfter == nil {
		return ""
	}
	who := "trained teams"
	if unit == "person" {
		who = "trained people"
	}
	c := ChangeText(f.Kind, *f.BeforeAfter, confidence)
	if slices.Contains(f.BeforeAfter.Flags, "suppressed") || c == "" {
		return ""
	}
	return fmt.Sprintf("Before/after within %s, which does not isolate the program (it also holds every other change over the same months): %s.", who, c)
}

// RelText writes a relative change with its interval in signed percentages, for tables:
// "−21% (−31% to −9.0%)"; "—" without a relative reading.
func RelText(rel, lo, hi float64) string {
	if math.IsNaN(rel) || math.IsNaN(lo) || math.IsNaN(hi) {
		return "—"
	}
	return SignedPct(rel) + " (" + SignedPct(lo) + " to " + SignedPct(hi) + ")"
}
