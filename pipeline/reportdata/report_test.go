package reportdata

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	stdhtml "html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
	"github.com/trainimpact/trainimpact/pipeline/analyze"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/demo"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
	"github.com/trainimpact/trainimpact/reports/render/jsonout"
	"github.com/trainimpact/trainimpact/reports/render/pdf"
	"github.com/trainimpact/trainimpact/reports/report"
)

// fixture is the small simulated organisation's warehouse with two analysed quarters and its
// report in every format, made once for the package's tests.
type fixture struct {
	dir   string
	cfg   *config.Config
	res   *demo.Result
	paths *Paths
	doc   jsonout.Document
	err   error
}

var (
	fixOnce sync.Once
	fix     fixture
	tmpRoot string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

func noEnv(string) (string, bool) { return "", false }

func getFixture(t *testing.T) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix.err = buildFixture() })
	if fix.err != nil {
		t.Fatalf("fixture: %v", fix.err)
	}
	return &fix
}

func buildFixture() error {
	ctx := context.Background()
	var err error
	if tmpRoot, err = os.MkdirTemp("", "reportdata-test-"); err != nil {
		return err
	}
	fix.dir = filepath.Join(tmpRoot, "demo")
	fix.res, err = demo.Run(ctx, demo.Options{Out: fix.dir, Size: org.Small, Seed: 3, Effect: -0.2})
	if err != nil {
		return err
	}
	if fix.cfg, err = config.Load(fix.res.ConfigPath, noEnv); err != nil {
		return err
	}
	// A previous quarter, for quarter over quarter: analyse it, then the demo's quarter again
	// (deterministic for the seed), and publish.
	q, err := analyze.ParseQuarter(fix.res.Period)
	if err != nil {
		return err
	}
	prev := analyze.Quarter{Year: q.Year, Q: q.Q - 1}
	if q.Q == 1 {
		prev = analyze.Quarter{Year: q.Year - 1, Q: 4}
	}
	st, err := store.Open(ctx, fix.cfg.WorkPath())
	if err != nil {
		return err
	}
	for _, p := range []string{prev.String(), fix.res.Period} {
		if _, err := analyze.Run(ctx, st, fix.cfg, p, fix.res.Now); err != nil {
			st.Close()
			return err
		}
	}
	if err := st.Publish(ctx, fix.cfg.Warehouse, fix.cfg.Publish.FileMode()); err != nil {
		return err
	}
	fix.paths, err = Render(ctx, fix.cfg, Options{Formats: Formats, Out: filepath.Join(fix.dir, "report"),
		Now: func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		return err
	}
	b, err := os.ReadFile(fix.paths.JSON)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, &fix.doc)
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReportJSONValidates validates report.json against docs/report.schema.json and checks what
// the document must hold.
func TestReportJSONValidates(t *testing.T) {
	f := getFixture(t)
	c := jsonschema.NewCompiler()
	schemaPath, err := filepath.Abs("../../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	raw, err := os.Open(f.paths.JSON)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	inst, err := jsonschema.UnmarshalJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("report.json does not validate: %v", err)
	}
	d := f.doc
	if d.SchemaVersion != report.SchemaVersion || d.Period != f.res.Period || len(d.Summary) < 2 || len(d.Findings) != catalogSize(t) {
		t.Fatalf("document: version %s period %s summary %d findings %d", d.SchemaVersion, d.Period, len(d.Summary), len(d.Findings))
	}
	if d.PreviousPeriod == nil {
		t.Errorf("no previous period although one was analysed")
	}
	prev := 0
	for _, x := range d.Findings {
		if x.Previous != nil {
			prev++
		}
		// A relative change is never shown without its interval on the same scale.
		if (x.RelativeChange == nil) != (x.RelativeCILow == nil) || (x.RelativeChange == nil) != (x.RelativeCIHigh == nil) {
			t.Errorf("%s: relative change and its interval disagree in presence", x.Metric)
		}
		if x.RelativeChange != nil && !(*x.RelativeCILow <= *x.RelativeChange+1e-12 && *x.RelativeChange <= *x.RelativeCIHigh+1e-12) {
			t.Errorf("%s: relative %v outside [%v, %v]", x.Metric, *x.RelativeChange, *x.RelativeCILow, *x.RelativeCIHigh)
		}
		if x.Scale == "log" && x.RelativeChange != nil && math.Abs(*x.RelativeCILow-math.Expm1(*x.CILow)) > 1e-9 {
			t.Errorf("%s: relative low %v != exp(%v)-1", x.Metric, *x.RelativeCILow, *x.CILow)
		}
		if x.Sentence == "" {
			t.Errorf("%s: no sentence", x.Metric)
		}
	}
	if prev == 0 {
		t.Errorf("no finding carries the previous quarter")
	}
	if d.ROI.Total == nil || d.ROI.Total.ROIPct == nil || d.ROI.Total.Cost == nil || *d.ROI.Total.Cost <= 0 {
		t.Errorf("no ROI total: %+v", d.ROI.Total)
	}
}

// TestReportCSVParses parses estimates.csv and compares it with the JSON.
func TestReportCSVParses(t *testing.T) {
	f := getFixture(t)
	recs, err := csv.NewReader(strings.NewReader(read(t, f.paths.CSV))).ReadAll()
	if err != nil {
		t.Fatalf("estimates.csv: %v", err)
	}
	if len(recs) != 1+len(f.doc.Findings) {
		t.Fatalf("%d rows, want %d", len(recs), 1+len(f.doc.Findings))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for i, x := range f.doc.Findings {
		row := recs[i+1]
		if row[col["metric"]] != x.Metric || row[col["verdict"]] != x.Verdict {
			t.Errorf("row %d: %s/%s, want %s/%s", i, row[col["metric"]], row[col["verdict"]], x.Metric, x.Verdict)
		}
		for _, c := range []struct {
			name string
			v    *float64
		}{{"estimate", x.Estimate}, {"relative_change", x.RelativeChange}, {"relative_ci_low", x.RelativeCILow}, {"q_value", x.QValue}} {
			cell := row[col[c.name]]
			if c.v == nil {
				if cell != "" {
					t.Errorf("%s %s: %q, want empty", x.Metric, c.name, cell)
				}
				continue
			}
			got, err := strconv.ParseFloat(cell, 64)
			if err != nil || got != *c.v {
				t.Errorf("%s %s: %q, want %v", x.Metric, c.name, cell, *c.v)
			}
		}
	}
}

// visibleText is the HTML's text as a reader sees it (tags dropped, entities decoded).
func visibleText(h string) string {
	h = regexp.MustCompile(`(?s)<style.*?</style>|<svg.*?</svg>`).ReplaceAllString(h, " ")
	h = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(h, "")
	return stdhtml.UnescapeString(h)
}

// mdText undoes the Markdown escapes.
func mdText(m string) string {
	return stdhtml.UnescapeString(regexp.MustCompile(`\\([\\`+"`"+`*_\[\]|#])`).ReplaceAllString(m, "$1"))
}

// TestReportFormatsAgree checks that the Markdown and the HTML state the numbers and sentences of
// the JSON.
func TestReportFormatsAgree(t *testing.T) {
	f := getFixture(t)
	h := visibleText(read(t, f.paths.HTML))
	m := mdText(read(t, f.paths.Markdown))
	d := f.doc
	var want []string
	want = append(want, d.Summary...)
	want = append(want, d.ROI.Sentences...)
	for _, x := range d.Findings {
		want = append(want, x.Sentence)
		if x.Change != "" {
			want = append(want, x.Change)
		}
		if x.BeforeAfter != nil {
			want = append(want, x.BeforeAfter.Sentence)
		}
		if x.Previous != nil {
			want = append(want, x.Previous.Sentence)
			if x.Previous.RelativeChange != nil {
				want = append(want, report.RelText(*x.Previous.RelativeChange, *x.Previous.RelativeCILow, *x.Previous.RelativeCIHigh))
			}
		}
		if x.QValue != nil {
			want = append(want, "q = "+fmtP(*x.QValue))
		}
	}
	if tot := d.ROI.Total; tot != nil {
		want = append(want, report.PctValue(*tot.ROIPct), report.Ratio(*tot.BCR), report.Money(*tot.Cost, d.ROI.Currency),
			report.PctValue(*tot.ConservativeROIPct))
	}
	for _, c := range d.Caveats {
		want = append(want, c.Text)
	}
	for _, w := range want {
		if !strings.Contains(h, w) {
			t.Errorf("HTML lacks %q", w)
		}
		if !strings.Contains(m, w) {
			t.Errorf("Markdown lacks %q", w)
		}
	}
	// Every chart the Markdown links to is a file beside it.
	for _, l := range regexp.MustCompile(`\]\((charts/[^)]+)\)`).FindAllStringSubmatch(m, -1) {
		if _, err := os.Stat(filepath.Join(f.paths.Dir, l[1])); err != nil {
			t.Errorf("Markdown links a missing chart: %s", l[1])
		}
	}
	if len(f.paths.Charts) < 4 {
		t.Errorf("only %d chart files", len(f.paths.Charts))
	}
}

func fmtP(x float64) string {
	if x < 0.001 {
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", x)
}

// personIdentifiers lists every name, email, login and account id of the simulated people (a
// numeric GitHub id as its canonical account id).
func personIdentifiers(o *org.Org) []string {
	var ids []string
	add := func(s string) {
		if len(strings.TrimSpace(s)) >= 4 {
			ids = append(ids, s)
		}
	}
	for _, p := range o.People {
		if p.Kind == org.KindBot {
			continue
		}
		add(p.Name)
		add(p.Email)
		if g := p.GitHub; g != nil {
			add(g.Login)
			add(g.Name)
			add(g.CommitEmail)
			// A numeric id cannot be told from a number in a chart; its canonical account id can.
			add("github:account:" + strconv.FormatInt(g.ID, 10))
		}
		if j := p.Jira; j != nil {
			add(j.AccountID)
			add(j.DisplayName)
			add(j.Email)
			add(j.Username)
			add(j.Key)
		}
		if d := p.PagerDuty; d != nil {
			add(d.ID)
			add(d.Name)
			add(d.Email)
		}
	}
	return ids
}

// TestReportNamesNoPerson scans every output (the PDF's text included) for every person
// identifier of the simulated organisation.
func TestReportNamesNoPerson(t *testing.T) {
	f := getFixture(t)
	ids := personIdentifiers(f.res.Org)
	if len(ids) < 100 {
		t.Fatalf("only %d identifiers to look for", len(ids))
	}
	outputs := map[string]string{}
	for _, p := range append([]string{f.paths.HTML, f.paths.Markdown, f.paths.JSON, f.paths.CSV}, f.paths.Charts...) {
		outputs[p] = read(t, p)
	}
	pdfRaw := read(t, f.paths.PDF)
	outputs[f.paths.PDF] = pdfRaw
	outputs[f.paths.PDF+" (text)"] = pdfText(t, f.paths.PDF)
	alts := make([]string, len(ids))
	for i, id := range ids {
		alts[i] = regexp.QuoteMeta(strings.ToLower(id))
	}
	re := regexp.MustCompile(`(?:^|[^\pL\pN])(` + strings.Join(alts, "|") + `)(?:$|[^\pL\pN])`)
	for name, body := range outputs {
		for _, m := range re.FindAllStringSubmatch(strings.ToLower(body), -1) {
			t.Errorf("%s contains the person identifier %q", filepath.Base(name), m[1])
		}
	}
	// The check can fail: the same scan finds the identifiers in the people file the demo wrote.
	if found := re.FindAllStringSubmatch(strings.ToLower(read(t, filepath.Join(f.dir, "teams.csv"))), -1); len(found) == 0 {
		t.Fatalf("the scan finds no identifier even in teams.csv")
	}
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return string(out)
}

// TestReportPDF checks the PDF: at least two pages, on the configured paper, and its text holds
// the summary.
func TestReportPDF(t *testing.T) {
	f := getFixture(t)
	if f.paths.PDF == "" {
		t.Fatal("no PDF written")
	}
	info, err := exec.Command("pdfinfo", f.paths.PDF).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(string(info))
	if m == nil {
		t.Fatalf("pdfinfo: no page count:\n%s", info)
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 {
		t.Errorf("%d pages, want at least 2", n)
	}
	if !strings.Contains(string(info), "595.") { // A4 is 595.x × 842.x points
		t.Errorf("not A4:\n%s", info)
	}
	text := strings.Join(strings.Fields(pdfText(t, f.paths.PDF)), " ")
	for _, s := range f.doc.Summary[:2] {
		if !strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
			t.Errorf("the PDF's text lacks the summary sentence %q", s)
		}
	}
	if !strings.Contains(text, "Page 2 of") {
		t.Errorf("no page numbers in the PDF's text")
	}
	if os.Getenv("TRAINIMPACT_SCREENSHOTS") != "" {
		dir := os.Getenv("TRAINIMPACT_SCREENSHOTS")
		out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", f.paths.PDF, filepath.Join(dir, "report-pdf-page")).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
	}
}

// browserPage is what the browser saw of a page.
type browserPage struct {
	console  []chromedp.ConsoleMessage
	requests []string
	charts   int
	text     string
	scripts  int
	shot     []byte
}

// openInBrowser opens file in headless Chromium with a viewport of width, and records its
// console, its network requests, its charts and its text, and a screenshot of the first screen.
func openInBrowser(t *testing.T, file string, width, height int64) browserPage {
	t.Helper()
	exe, err := pdf.FindBrowser("")
	if err != nil {
		t.Fatalf("%v: %s", err, pdf.Hint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	bctx, stop, err := pdf.NewBrowser(ctx, exe)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	lctx, lcancel := context.WithCancel(bctx)
	var mu sync.Mutex
	var bp browserPage
	var wg sync.WaitGroup
	msgs := chromedp.Console(lctx)
	reqs := chromedp.Events(lctx, network.RequestWillBeSent)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for m, err := range msgs {
			if err != nil {
				return
			}
			mu.Lock()
			bp.console = append(bp.console, m)
			mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		for ev, err := range reqs {
			if err != nil {
				return
			}
			mu.Lock()
			bp.requests = append(bp.requests, ev.Request.URL)
			mu.Unlock()
		}
	}()
	u, err := pdf.FileURL(file)
	if err != nil {
		t.Fatal(err)
	}
	enable := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	})
	if err := chromedp.Do(bctx, enable, chromedp.EmulateViewport(width, height), chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
	if bp.charts, err = chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('figure.chart svg').length`)); err != nil {
		t.Fatal(err)
	}
	if bp.scripts, err = chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('script').length`)); err != nil {
		t.Fatal(err)
	}
	if bp.text, err = chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
		t.Fatal(err)
	}
	if bp.shot, err = chromedp.Run(bctx, chromedp.CaptureScreenshot()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let late events arrive
	lcancel()
	wg.Wait()
	return bp
}

// TestReportInBrowser opens report.html in headless Chromium: no console message, no request but
// the file itself, every chart of the report present, no script; saves a screenshot.
func TestReportInBrowser(t *testing.T) {
	f := getFixture(t)
	bp := openInBrowser(t, f.paths.HTML, 1100, 1600)
	for _, m := range bp.console {
		t.Errorf("console: %s", m)
	}
	self, _ := pdf.FileURL(f.paths.HTML)
	for _, r := range bp.requests {
		if r != self {
			t.Errorf("network request: %s", r)
		}
	}
	// Count the report's charts from the JSON's view of the model: forest, cohorts, ROI, one
	// event study per shown metric, one distribution per shown duration.
	want := countCharts(t, f)
	if bp.charts != want {
		t.Errorf("%d charts in the page, want %d", bp.charts, want)
	}
	if bp.scripts != 0 {
		t.Errorf("%d script elements", bp.scripts)
	}
	if !strings.Contains(bp.text, f.doc.Summary[0]) {
		t.Errorf("the page's text lacks the summary")
	}
	saveShot(t, "report-html.png", bp.shot)
	phone := openInBrowser(t, f.paths.HTML, 390, 844)
	if len(phone.console) != 0 || phone.charts != want {
		t.Errorf("phone width: console %v, %d charts", phone.console, phone.charts)
	}
	saveShot(t, "report-html-phone.png", phone.shot)
}

// countCharts rebuilds the report model from the warehouse and counts its charts: forest, cohort
// timeline, ROI breakdown, one event study per shown metric and one distribution per shown duration.
func countCharts(t *testing.T, f *fixture) int {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, f.cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	in, err := Load(ctx, st, f.cfg, f.res.Period, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := report.Build(*in)
	if r.Charts.Forest == nil || r.Charts.Cohorts == nil || r.Charts.ROI == nil || len(r.Charts.ChartErrors) > 0 {
		t.Fatalf("charts missing: forest %v cohorts %v roi %v errors %v", r.Charts.Forest != nil, r.Charts.Cohorts != nil, r.Charts.ROI != nil, r.Charts.ChartErrors)
	}
	shown := 0
	for _, x := range r.Findings {
		if x.Verdict == report.Suppressed {
			continue
		}
		for _, p := range x.EventStudy {
			if !p.Suppressed && !math.IsNaN(p.Estimate) {
				shown++ // a metric whose every month is suppressed has no chart
				break
			}
		}
	}
	if len(r.Charts.EventStudies) != shown || shown == 0 {
		t.Fatalf("%d event studies for %d shown metrics", len(r.Charts.EventStudies), shown)
	}
	if len(r.Charts.Distributions) == 0 {
		t.Fatalf("no distribution chart")
	}
	return 3 + len(r.Charts.EventStudies) + len(r.Charts.Distributions)
}

// catalogSize is the number of metrics in the catalog: one finding each.
func catalogSize(t *testing.T) int {
	t.Helper()
	cat, err := queries.Default()
	if err != nil {
		t.Fatal(err)
	}
	return len(cat.Metrics)
}

func saveShot(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := os.Getenv("TRAINIMPACT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("%s is not a PNG", name)
	}
}

// TestReportWithoutBrowser: a browser that does not exist leaves the PDF out with
// pdf.ErrNoBrowser and the hint, and writes every other format.
func TestReportWithoutBrowser(t *testing.T) {
	f := getFixture(t)
	out := t.TempDir()
	p, err := Render(context.Background(), f.cfg, Options{Formats: Formats, Out: out, Browser: filepath.Join(out, "no-such-chromium")})
	if !errors.Is(err, pdf.ErrNoBrowser) || !strings.Contains(err.Error(), "apt-get install") {
		t.Fatalf("err = %v, want ErrNoBrowser with the hint", err)
	}
	if p == nil || p.PDF != "" {
		t.Fatalf("paths %+v", p)
	}
	for _, name := range []string{FileHTML, FileMarkdown, FileJSON, FileCSV} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

// TestReportEscapesData renders the demo's report with a team named like a script and a source
// named like an image tag: the browser runs nothing, shows both as text, and the Markdown and
// JSON carry neither as markup.
func TestReportEscapesData(t *testing.T) {
	f := getFixture(t)
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, f.cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	in, err := Load(ctx, st, f.cfg, f.res.Period, time.Now())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	const team = `<script>alert(1)</script>`
	const source = `"><img src=x onerror=alert(2)>`
	named := false
	for i := range in.Exposure {
		if in.Exposure[i].Status == "treated" && !named {
			in.Exposure[i].Team, named = team, true
		}
	}
	if !named || len(in.Data.Sources) == 0 {
		t.Fatal("no treated team or no source to rename")
	}
	in.Data.Sources[0].Source = source
	out := t.TempDir()
	p, err := Write(ctx, report.Build(*in), out, []string{"html", "md", "json", "csv"}, pdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := read(t, p.HTML)
	if strings.Contains(h, team) || strings.Contains(h, "<img") {
		t.Errorf("report.html holds the markup unescaped")
	}
	m := read(t, p.Markdown)
	if strings.Contains(m, "<script") || strings.Contains(m, "<img") {
		t.Errorf("report.md holds the markup unescaped")
	}
	if j := read(t, p.JSON); strings.Contains(j, "<script") || strings.Contains(j, "<img") {
		t.Errorf("report.json holds the markup unescaped")
	}
	bp := openInBrowser(t, p.HTML, 1100, 900)
	if bp.scripts != 0 {
		t.Errorf("%d script elements in the page", bp.scripts)
	}
	for _, m := range bp.console {
		t.Errorf("console: %s", m)
	}
	if !strings.Contains(bp.text, team) || !strings.Contains(bp.text, source) {
		t.Errorf("the names are not shown as text")
	}
}

// TestReportPDFLetterAlone prints the PDF alone (its HTML written aside and removed) on Letter
// paper.
func TestReportPDFLetterAlone(t *testing.T) {
	f := getFixture(t)
	cfg := *f.cfg
	cfg.Report.PageSize = "Letter"
	out := t.TempDir()
	p, err := Render(context.Background(), &cfg, Options{Formats: []string{"pdf"}, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", p.PDF).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(info), "612 x 792") {
		t.Errorf("not Letter:\n%s", info)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want report.pdf alone", len(entries))
	}
}

// Every finding of the report is the metric's headline row in the warehouse (v_headline): the
// duration metrics also carry a resolved-only DiD row of the same population, which the report
// once showed instead.
func TestReportFindingsAreHeadlines(t *testing.T) {
	f := getFixture(t)
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, f.cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().QueryContext(ctx, `SELECT metric, estimate FROM estimates WHERE period = ? AND headline`, f.res.Period)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[string]sql.NullFloat64{}
	for rows.Next() {
		var m string
		var v sql.NullFloat64
		if err := rows.Scan(&m, &v); err != nil {
			t.Fatal(err)
		}
		want[m] = v
	}
	var durations int
	for _, x := range f.doc.Findings {
		w, ok := want[x.Metric]
		if !ok {
			t.Errorf("%s: no headline row in the warehouse", x.Metric)
			continue
		}
		if x.Estimate == nil || !w.Valid {
			if (x.Estimate == nil) != (!w.Valid || math.IsNaN(w.Float64)) {
				t.Errorf("%s: report estimate %v, warehouse %v", x.Metric, x.Estimate, w)
			}
			continue
		}
		if *x.Estimate != w.Float64 {
			t.Errorf("%s: report estimate %v, headline row %v", x.Metric, *x.Estimate, w.Float64)
		}
		if x.Scale == "log" {
			durations++
		}
	}
	if durations == 0 {
		t.Error("no duration metric with an estimate to compare")
	}
}
