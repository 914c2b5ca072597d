package charts

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"
)

var update = flag.Bool("update", false, "rewrite the golden SVGs in testdata/")

const evil = `<script>alert(1)</script>`

// parsed is what a test needs to know of an SVG document.
type parsed struct {
	root  xml.StartElement
	texts []string // character data of <text>, <title> and <desc> elements
	names map[string]int
}

// parseSVG decodes b as XML and fails the test when it is not one well-formed <svg> element.
func parseSVG(t *testing.T, b []byte) parsed {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("<svg ")) {
		t.Fatalf("SVG does not start with <svg: %.60q", b)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	var p parsed
	p.names = map[string]int{}
	depth, roots := 0, 0
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse as XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				p.root = tk.Copy()
			}
			depth++
			stack = append(stack, tk.Name.Local)
			p.names[tk.Name.Local]++
		case xml.EndElement:
			depth--
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				switch stack[len(stack)-1] {
				case "text", "title", "desc":
					p.texts = append(p.texts, string(tk))
				}
			}
		case xml.ProcInst, xml.Directive:
			t.Fatalf("SVG has a prolog or doctype: %v", tk)
		}
	}
	if roots != 1 || p.root.Name.Local != "svg" {
		t.Fatalf("want one root <svg>, got %d roots, first %q", roots, p.root.Name.Local)
	}
	return p
}

func (p parsed) attr(name string) string {
	for _, a := range p.root.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// hasText reports whether s is the whole text of one element or one line of a multi-line label.
func (p parsed) hasText(s string) bool {
	for _, t := range p.texts {
		if t == s || strings.Contains(t, s) {
			return true
		}
	}
	return false
}

var httpRef = regexp.MustCompile(`(?i)https?:`)

// checkSafe asserts what every chart must be: XML, one <svg> with a viewBox and width 100%, no
// script, no external reference, the title, alt and labels present as text.
func checkSafe(t *testing.T, ch Chart, title string, texts ...string) parsed {
	t.Helper()
	p := parseSVG(t, ch.SVG)
	if ch.Title != title {
		t.Errorf("Title = %q, want %q", ch.Title, title)
	}
	if ch.Alt == "" || !regexp.MustCompile(`[0-9]`).MatchString(ch.Alt) {
		t.Errorf("Alt has no numbers: %q", ch.Alt)
	}
	if vb := p.attr("viewBox"); !regexp.MustCompile(`^0 0 [0-9.]+ [0-9.]+$`).MatchString(vb) {
		t.Errorf("viewBox = %q", vb)
	}
	if w := p.attr("width"); w != "100%" {
		t.Errorf("width = %q, want 100%%", w)
	}
	if h := p.attr("height"); h != "" {
		t.Errorf("height = %q, want none (the viewBox gives the aspect ratio)", h)
	}
	if p.root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("namespace = %q", p.root.Name.Space)
	}
	low := bytes.ToLower(ch.SVG)
	for _, bad := range []string{"<script", "javascript:", "url(", "@import", "@font-face", "href", "<image", "<foreignobject", "<!doctype", "<?xml"} {
		if bytes.Contains(low, []byte(bad)) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	refs := httpRef.FindAllIndex(ch.SVG, -1)
	if len(refs) != 1 || !bytes.Contains(ch.SVG, []byte(`xmlns="http://www.w3.org/2000/svg"`)) {
		t.Errorf("SVG has %d http references, want only the SVG namespace", len(refs))
	}
	if !bytes.Contains(ch.SVG, []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")) {
		t.Errorf("SVG text is not given the generic font fallbacks")
	}
	if bytes.Contains(ch.SVG, []byte("font-family:Liberation")) {
		t.Errorf("SVG names a font family without fallback")
	}
	if n, m := bytes.Count(ch.SVG, []byte("<text ")), bytes.Count(ch.SVG, []byte(`lengthAdjust="spacingAndGlyphs"`)); n == 0 || n != m {
		t.Errorf("%d <text> elements, %d with a textLength", n, m)
	}
	if p.names["title"] != 1 || p.names["desc"] != 1 {
		t.Errorf("want one <title> and one <desc>, got %d and %d", p.names["title"], p.names["desc"])
	}
	if p.texts[0] != title || p.texts[1] != ch.Alt {
		t.Errorf("<title>/<desc> = %q / %q, want the Title and Alt", p.texts[0], p.texts[1])
	}
	for _, s := range append([]string{title}, texts...) {
		if !p.hasText(s) {
			t.Errorf("SVG has no text %q", s)
		}
	}
	return p
}

// golden compares b with testdata/name.svg (rewritten under -update).
func golden(t *testing.T, name string, b []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".svg")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it)", path, err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from the golden file (%d vs %d bytes); look at the change, then run with -update", name, len(b), len(want))
	}
}

// each renders every chart kind from the same representative data.
var each = []struct {
	name   string
	title  string
	render func() (Chart, error)
	texts  []string
	alt    []string
}{
	{
		name: "forest", title: "Headline estimates, 2026-Q3",
		render: func() (Chart, error) {
			return Forest("Headline estimates, 2026-Q3", "Change vs. teams not yet trained", forestRows)
		},
		texts: []string{"Change vs. teams not yet trained (%)", "Incident resolution time", "-21% (-31% to -9%)", "+2% (no interval)", "0%", "-20%", "+10%"},
		alt: []string{"Incident resolution time -21% (interval -31% to -9%)", "Rework share +2% (interval not available)",
			"Not shown, no estimate: Pages after hours."},
	},
	{
		name: "eventstudy", title: "Resolution time by month since training",
		render: func() (Chart, error) {
			return EventStudy("Resolution time by month since training", "Change in resolution time (%)", eventPts)
		},
		texts: []string{"Change in resolution time (%)", "Months since training (0 = first whole month after training and washout)", "Training", "-4", "6", "0", "-20",
			"Not shown: month 5 suppressed (too few people)"},
		alt: []string{"Change in resolution time (%) by month since training", "month 2 -19% (interval -31% to -7%)", "month -1 is the reference (0)",
			"month 3 -22% (interval not available)", "Not shown, suppressed because too few people: month 5."},
	},
	{
		name: "cohort", title: "Teams trained by month",
		render: func() (Chart, error) {
			return CohortTimeline("Teams trained by month", cohorts)
		},
		texts: []string{"Teams trained (count)", "Month training was completed", "Jan 2026", "Mar 2026", "Jun 2026", "5"},
		alt:   []string{"17 teams trained between Jan 2026 and Jun 2026, most in Apr 2026 (5)", "Mar 2026 0", "May 2026 3"},
	},
	{
		name: "roi", title: "Benefit by metric against program cost",
		render: func() (Chart, error) {
			return ROIBreakdown("Benefit by metric against program cost", "EUR", roiRows, 120000)
		},
		texts: []string{"Benefit (EUR)", "Program cost EUR 120,000", "Incident resolution time", "EUR 182,000 (64,000 to 301,000)", "100k"},
		alt: []string{"against the program cost of EUR 120,000", "Escalations EUR 41,000 (interval EUR -22,000 to EUR 98,000)",
			"Reopened tickets EUR 23,500 (interval not available)"},
	},
	{
		name: "distribution", title: "Resolution time before and after training",
		render: func() (Chart, error) {
			return Distribution("Resolution time before and after training", "hours", distPre, distPost)
		},
		texts: []string{"Duration (hours, log scale)", "Before training", "After training", "n = 6, median 5 hours", "n = 7, median 3 hours", "1", "10"},
		alt: []string{"Before training: 6 values, median 5 hours, middle half 2.5 to 8.25 hours, 90th percentile 14.5 hours",
			"After training: 7 values, median 3 hours", "3 values missing, zero or negative left out",
			"does not isolate the effect of training"},
	},
}

var (
	cohorts = []CohortTeams{
		{Month: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), Teams: 2},
		{Month: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Teams: 3},
		{Month: time.Date(2026, 4, 30, 23, 0, 0, 0, time.UTC), Teams: 5},
		{Month: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC), Teams: 1},
		{Month: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC), Teams: 2},
		{Month: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Teams: 4},
	}
	roiRows = []Interval{
		{Label: "Incident resolution time", Estimate: 182000, Low: 64000, High: 301000},
		{Label: "Escalations", Estimate: 41000, Low: -22000, High: 98000},
		{Label: "Reopened tickets", Estimate: 23500, Low: math.NaN(), High: 50000},
		{Label: "Total", Estimate: 246500, Low: 110000, High: 390000},
	}
	// R: quantile(c(1, 2, 4, 6, 9, 20), c(.25, .5, .75, .9)) = 2.5 5 8.25 14.5 (type 7).
	distPre  = []float64{6, 1, 20, 4, 9, 2, math.NaN(), 0}
	distPost = []float64{3, 1, 2, 8, 3, 15, 0.5, -2}
)

func TestChartsAreSafeSVG(t *testing.T) {
	for _, c := range each {
		t.Run(c.name, func(t *testing.T) {
			ch, err := c.render()
			if err != nil {
				t.Fatal(err)
			}
			checkSafe(t, ch, c.title, c.texts...)
			for _, a := range c.alt {
				if !strings.Contains(ch.Alt, a) {
					t.Errorf("Alt lacks %q:\n%s", a, ch.Alt)
				}
			}
			again, err := c.render()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ch.SVG, again.SVG) {
				t.Errorf("two renderings of the same input differ")
			}
			golden(t, c.name, ch.SVG)
		})
	}
}

func TestLabelsAreEscaped(t *testing.T) {
	cases := map[string]func() (Chart, error){
		"forest": func() (Chart, error) {
			return Forest(evil, evil, []Interval{{Label: evil, Estimate: 0.1, Low: 0, High: 0.2}, {Label: evil + "2", Estimate: math.NaN()}})
		},
		"eventstudy": func() (Chart, error) {
			return EventStudy(evil, evil, []EventPoint{{RelPeriod: -1, Estimate: 0.01, Low: -0.1, High: 0.1}, {RelPeriod: 0, Estimate: 0.1, Low: 0, High: 0.2}, {RelPeriod: 1, Estimate: 1, Suppressed: true}})
		},
		"cohort": func() (Chart, error) {
			return CohortTimeline(evil, []CohortTeams{{Month: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Teams: 3}})
		},
		"roi": func() (Chart, error) {
			return ROIBreakdown(evil, evil, []Interval{{Label: evil, Estimate: 1000, Low: 500, High: 1500}}, 800)
		},
		"distribution": func() (Chart, error) {
			return Distribution(evil, evil, []float64{1, 2, 3}, []float64{2, 3, 4})
		},
	}
	for name, render := range cases {
		t.Run(name, func(t *testing.T) {
			ch, err := render()
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(bytes.ToLower(ch.SVG), []byte("<script")) {
				t.Fatalf("a label became markup:\n%s", ch.SVG)
			}
			if !bytes.Contains(ch.SVG, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
				t.Errorf("the label is not in the SVG as escaped text")
			}
			p := parseSVG(t, ch.SVG)
			if !p.hasText(evil) {
				t.Errorf("the label does not read back as text %q", evil)
			}
			if p.names["script"] != 0 {
				t.Errorf("SVG has a <script> element")
			}
		})
	}
}

func TestNoDataIsErrNoData(t *testing.T) {
	nan := math.NaN()
	inf := math.Inf(1)
	cases := map[string]func() (Chart, error){
		"forest nil": func() (Chart, error) { return Forest("t", "x", nil) },
		"forest NaN": func() (Chart, error) {
			return Forest("t", "x", []Interval{{Label: "a", Estimate: nan, Low: -1, High: 1}})
		},
		"forest Inf": func() (Chart, error) { return Forest("t", "x", []Interval{{Label: "a", Estimate: inf}}) },
		"event nil":  func() (Chart, error) { return EventStudy("t", "y", nil) },
		"event suppressed": func() (Chart, error) {
			return EventStudy("t", "y", []EventPoint{{RelPeriod: 1, Estimate: 0.1, Suppressed: true}})
		},
		"event NaN":         func() (Chart, error) { return EventStudy("t", "y", []EventPoint{{RelPeriod: 1, Estimate: nan}}) },
		"cohort nil":        func() (Chart, error) { return CohortTimeline("t", nil) },
		"cohort negative":   func() (Chart, error) { return CohortTimeline("t", []CohortTeams{{Month: time.Now(), Teams: -1}}) },
		"roi nil":           func() (Chart, error) { return ROIBreakdown("t", "EUR", nil, 10) },
		"roi NaN":           func() (Chart, error) { return ROIBreakdown("t", "EUR", []Interval{{Label: "a", Estimate: nan}}, 10) },
		"distribution nil":  func() (Chart, error) { return Distribution("t", "h", nil, nil) },
		"distribution junk": func() (Chart, error) { return Distribution("t", "h", []float64{nan, 0, -1}, []float64{inf}) },
	}
	for name, render := range cases {
		t.Run(name, func(t *testing.T) {
			ch, err := render()
			if !errors.Is(err, ErrNoData) {
				t.Fatalf("err = %v, want ErrNoData", err)
			}
			if ch.SVG != nil {
				t.Errorf("SVG returned with the error")
			}
		})
	}
}

// Missing values anywhere draw what can be drawn, never panic, and say what is missing.
func TestMissingValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(-1)
	t.Run("forest bounds", func(t *testing.T) {
		ch, err := Forest("F", "x", []Interval{
			{Label: "both", Estimate: 0.1, Low: nan, High: nan},
			{Label: "inf", Estimate: -0.1, Low: inf, High: 0},
			{Label: "outside", Estimate: 0.3, Low: 0.4, High: 0.5},
		})
		if err != nil {
			t.Fatal(err)
		}
		checkSafe(t, ch, "F", "both", "inf", "outside")
		if n := strings.Count(ch.Alt, "interval not available"); n != 3 {
			t.Errorf("Alt says %d intervals are missing, want 3: %s", n, ch.Alt)
		}
	})
	t.Run("event study", func(t *testing.T) {
		ch, err := EventStudy("E", "Change (percentage points)", []EventPoint{
			{RelPeriod: 2, Estimate: 1.5, Low: nan, High: 2},
			{RelPeriod: -2, Estimate: nan, Low: 0, High: 1},
			{RelPeriod: 1, Estimate: 0.5, Low: -0.5, High: 1.5},
			{RelPeriod: 3, Estimate: 40, Low: 30, High: 60, Suppressed: true},
			{RelPeriod: 4, Estimate: 40, Low: 30, High: 60, Suppressed: true},
		})
		if err != nil {
			t.Fatal(err)
		}
		checkSafe(t, ch, "E", "Training", "Not shown: months 3, 4 suppressed (too few people); month -2 not estimated")
		for _, s := range []string{"month 2 +1.5 percentage points (interval not available)", "month 1 +0.5 percentage points (interval -0.5 percentage points to +1.5 percentage points)",
			"suppressed because too few people: months 3, 4.", "no estimate: month -2."} {
			if !strings.Contains(ch.Alt, s) {
				t.Errorf("Alt lacks %q: %s", s, ch.Alt)
			}
		}
		// The suppressed estimates (40, 30 to 60) must not reach the drawing: the y axis stops
		// well below them.
		if strings.Contains(ch.Alt, "40") || bytes.Contains(ch.SVG, []byte(">30<")) || bytes.Contains(ch.SVG, []byte(">10<")) {
			t.Errorf("a suppressed value shows:\n%s", ch.Alt)
		}
	})
	t.Run("roi cost", func(t *testing.T) {
		ch, err := ROIBreakdown("R", "", []Interval{{Label: "a", Estimate: 10, Low: 5, High: 15}}, nan)
		if err != nil {
			t.Fatal(err)
		}
		checkSafe(t, ch, "R", "Benefit", "a")
		if !strings.Contains(ch.Alt, "the program cost is not available") || bytes.Contains(ch.SVG, []byte("Program cost")) {
			t.Errorf("a missing cost is drawn or not said: %s", ch.Alt)
		}
	})
	t.Run("distribution one side", func(t *testing.T) {
		ch, err := Distribution("D", "days", nil, []float64{1, 2, nan, 40})
		if err != nil {
			t.Fatal(err)
		}
		checkSafe(t, ch, "D", "no values", "Duration (days, log scale)")
		if !strings.Contains(ch.Alt, "Before training: no values") || !strings.Contains(ch.Alt, "1 value missing") {
			t.Errorf("Alt: %s", ch.Alt)
		}
	})
}

func TestCohortTimelineOfPeople(t *testing.T) {
	ch, err := CohortTimelineOf("People trained, by month of completion", "person", "people", []CohortTeams{
		{Month: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Teams: 1},
		{Month: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Teams: 6},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, ch, "People trained, by month of completion", "People trained (count)", "Mar 2026", "Apr 2026")
	if !strings.HasPrefix(ch.Alt, "7 people trained between Mar 2026 and Apr 2026, most in Apr 2026 (6).") {
		t.Errorf("Alt: %s", ch.Alt)
	}
	if bytes.Contains(ch.SVG, []byte("Teams")) {
		t.Errorf("a chart of people speaks of teams")
	}
}

func TestCohortTimelineRefusesADecadeOfMonths(t *testing.T) {
	_, err := CohortTimeline("t", []CohortTeams{
		{Month: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Teams: 1},
		{Month: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Teams: 1},
	})
	if err == nil || errors.Is(err, ErrNoData) {
		t.Fatalf("err = %v, want an error about the span", err)
	}
}

// Strings from the data with characters XML cannot hold still give a document that parses.
func TestControlCharactersAndInvalidUTF8(t *testing.T) {
	bad := "Team\x00 A\x1b[31m\tB\r\xff\xfe" + string(rune(0xFFFF))
	ch, err := Forest(bad, bad, []Interval{{Label: bad, Estimate: 0.1, Low: 0, High: 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	p := parseSVG(t, ch.SVG)
	if !p.hasText("Team A[31m B \uFFFD") {
		t.Errorf("cleaned label not found in %q", p.texts)
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"Incident resolution time", 32, "Incident resolution time"},
		{"Median time to resolve a high-severity incident", 20, "Median time to\nresolve a\nhigh-severity\nincident"},
		{"abcdefghij klm", 4, "abcd\nefgh\nij\nklm"},
		{"two\nlines", 10, "two\nlines"},
		{"", 5, ""},
	} {
		if got := wrap(c.in, c.n); got != c.want {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{pct(-0.214), "-21%"}, {pct(0.043), "+4.3%"}, {pct(0), "0%"}, {pct(-0.0001), "0%"}, {pct(0.1), "+10%"},
		{tickPct(0.30000000000000004), "+30%"}, {tickPct(-0.1), "-10%"}, {tickPct(0), "0%"},
		{grouped(1234567.4), "1,234,567"}, {grouped(-22000), "-22,000"}, {grouped(999), "999"},
		{compact(120000), "120k"}, {compact(1.5e6), "1.5M"}, {compact(9500), "9500"},
		{sig(5.0149), "5.01"}, {sig(130.4), "130"}, {sig(0.25), "0.25"},
		{signed(-19.12), "-19.1"}, {signed(4.5), "+4.5"}, {signed(0), "0"},
		{unitOf("Change (%)"), "%"}, {unitOf("Change (percentage points)"), " percentage points"}, {unitOf("Change"), ""},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestTicks(t *testing.T) {
	labels := func(ts []plot.Tick) (out []string) {
		for _, tk := range ts {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		got  []string
		want string
	}{
		{"nice percent", labels(niceTicks(tickPct).Ticks(-0.33, 0.19)), "-30% -20% -10% 0% +10%"},
		{"nice money", labels(niceTicks(compact).Ticks(-30000, 410000)), "0 100k 200k 300k 400k"},
		{"integers", labels(integerTicks(-4.6, 6.6)), "-4 -3 -2 -1 0 1 2 3 4 5 6"},
		{"integers wide", labels(integerTicks(0, 40)), "0 5 10 15 20 25 30 35 40"},
		{"log 1-2-5", labels(logTicks(0.15, 90)), "0.2 0.5 1 2 5 10 20 50"},
		{"log decades", labels(logTicks(0.5, 20000)), "1 10 100 1000 10000"},
		{"log narrow", labels(logTicks(3, 8)), "3 4 5 6 7 8"},
	} {
		if got := strings.Join(c.got, " "); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// Arbitrary inputs, missing and extreme values included, give a chart that parses or an error,
// never a panic.
func TestArbitraryInputsNeverPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func() float64 {
		switch rng.IntN(10) {
		case 0:
			return math.NaN()
		case 1:
			return math.Inf(rng.IntN(2)*2 - 1)
		case 2:
			return 0
		case 3:
			return (rng.Float64() - 0.5) * 1e12
		case 4:
			return (rng.Float64() - 0.5) * 1e-9
		default:
			return rng.NormFloat64()
		}
	}
	for i := range 100 {
		n := rng.IntN(6)
		rows := make([]Interval, n)
		pts := make([]EventPoint, n)
		cs := make([]CohortTeams, n)
		var pre, post []float64
		for j := range n {
			rows[j] = Interval{Label: fmt.Sprint("m", j), Estimate: pick(), Low: pick(), High: pick()}
			pts[j] = EventPoint{RelPeriod: rng.IntN(20) - 10, Estimate: pick(), Low: pick(), High: pick(), Suppressed: rng.IntN(4) == 0}
			cs[j] = CohortTeams{Month: time.Date(2025, time.Month(1+rng.IntN(30)), 1, 0, 0, 0, 0, time.UTC), Teams: rng.IntN(8) - 1}
			pre = append(pre, pick(), math.Abs(pick()))
			post = append(post, pick())
		}
		for name, render := range map[string]func() (Chart, error){
			"forest":       func() (Chart, error) { return Forest("t", "x", rows) },
			"eventstudy":   func() (Chart, error) { return EventStudy("t", "y (%)", pts) },
			"cohort":       func() (Chart, error) { return CohortTimeline("t", cs) },
			"roi":          func() (Chart, error) { return ROIBreakdown("t", "EUR", rows, pick()) },
			"distribution": func() (Chart, error) { return Distribution("t", "h", pre, post) },
		} {
			ch, err := render()
			if err != nil {
				if ch.SVG != nil {
					t.Errorf("case %d %s: SVG with error %v", i, name, err)
				}
				continue
			}
			parseSVG(t, ch.SVG)
			if bytes.Contains(ch.SVG, []byte("NaN")) || bytes.Contains(ch.SVG, []byte("Inf")) {
				t.Errorf("case %d %s: NaN or Inf coordinates in the SVG", i, name)
			}
		}
	}
}

// Charts may be drawn from several goroutines at once (the report renders them in parallel):
// every rendering equals the sequential one. Run with -race to check for data races.
func TestConcurrentRendering(t *testing.T) {
	want := make([][]byte, len(each))
	for i, c := range each {
		ch, err := c.render()
		if err != nil {
			t.Fatal(err)
		}
		want[i] = ch.SVG
	}
	errs := make(chan error, 4*len(each))
	for range 4 {
		for i, c := range each {
			go func() {
				ch, err := c.render()
				if err == nil && !bytes.Equal(ch.SVG, want[i]) {
					err = fmt.Errorf("%s: concurrent rendering differs", c.name)
				}
				errs <- err
			}()
		}
	}
	for range 4 * len(each) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
