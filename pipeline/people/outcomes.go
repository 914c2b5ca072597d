package people

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// The outcome imports: files that hold what no API holds, assessments.csv and surveys.csv. They
// follow the people files' rules (every problem listed with its line and column, nothing written
// when there is one, a file's rows replaced as a whole, an unchanged file writing nothing) but
// write their own tables, assessments and survey_responses.
const (
	KindAssessments = "assessments"
	KindSurveys     = "surveys"
)

// OutcomeHeaders holds the columns of each outcome file.
var OutcomeHeaders = map[string][]string{
	KindAssessments: {"person_email", "instrument", "taken_at", "score", "max_score"},
	KindSurveys:     {"team", "kind", "survey", "taken_at", "respondent", "question", "score", "scale"},
}

// IsOutcomeKind reports whether kind is assessments or surveys.
func IsOutcomeKind(kind string) bool { _, ok := OutcomeHeaders[kind]; return ok }

// outcomeRow is one valid row of an outcome file, ready to be compared and written.
type outcomeRow struct {
	id, sig, desc string
	line          int
	row           models.Row
	person        string // assessments: the person assessed
	team          string // surveys: the team answered about
}

// preparedOutcome is a validated outcome file.
type preparedOutcome struct {
	kind, file, sha string
	rows            []outcomeRow
	warnings        []Problem
}

// ValidateOutcomes reads and validates outcome files without touching any database; the error joins
// one *ValidationError per bad file. `trainimpact import` calls it before importing the people
// files of the same run, so that a broken outcome file leaves everything unchanged.
func ValidateOutcomes(files []File, opts ImportOptions) error {
	_, err := prepareOutcomes(files, opts)
	return err
}

func prepareOutcomes(files []File, opts ImportOptions) ([]*preparedOutcome, error) {
	_, today := opts.clock()
	var preps []*preparedOutcome
	var errs []error
	for _, f := range files {
		p, err := prepareOutcome(f.Kind, f.Path, today)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		preps = append(preps, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return preps, nil
}

// ImportOutcomes validates every outcome file first; if any has errors nothing is written and the
// error joins one *ValidationError per bad file. Otherwise each file's rows replace those imported
// from it before, all in one transaction (unless opts.DryRun). Results come in the order of files.
func ImportOutcomes(ctx context.Context, st *store.Store, files []File, opts ImportOptions) ([]ImportResult, error) {
	now, _ := opts.clock()
	preps, err := prepareOutcomes(files, opts)
	if err != nil {
		return nil, err
	}
	results := make([]ImportResult, len(preps))
	if opts.DryRun {
		for i, p := range preps {
			r, err := p.diff(ctx, st.DB().QueryContext)
			if err != nil {
				return nil, err
			}
			r.DryRun = true
			results[i] = r
		}
		return results, nil
	}
	err = st.Write(ctx, func(w *store.Writer) error {
		for i, p := range preps {
			r, err := p.diff(ctx, w.Query)
			if err != nil {
				return err
			}
			if !r.SameFile {
				if err := p.write(ctx, w, now); err != nil {
					return err
				}
			}
			results[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func prepareOutcome(kind, path string, today time.Time) (*preparedOutcome, error) {
	want, ok := OutcomeHeaders[kind]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	abs, data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	var pr problems
	var t *table
	if len(data) > MaxFileSize {
		pr.add(0, 0, "", "the file is larger than %d MiB; it is not a %s file", MaxFileSize>>20, kind)
	} else {
		t = readTable(data, want, &pr)
	}
	var rows []outcomeRow
	if t != nil {
		switch kind {
		case KindAssessments:
			rows = parseAssessments(t, abs, today, &pr)
		case KindSurveys:
			rows = parseSurveys(t, abs, today, &pr)
		}
		if len(t.records) == 0 && !pr.failed() {
			pr.warn(1, 0, "", "the file has a header but no rows: importing it removes every row imported from it before")
		}
	}
	if pr.failed() {
		sortProblems(pr.errs)
		return nil, &ValidationError{Kind: kind, File: path, Problems: pr.errs, Omitted: pr.omitted}
	}
	sortProblems(pr.warnings)
	h := sha256.Sum256(data)
	return &preparedOutcome{kind: kind, file: abs, sha: hex.EncodeToString(h[:]), rows: rows, warnings: pr.warnings}, nil
}

// diff compares the file's rows with those imported from it before, and warns about rows naming
// a person or team that no people file knows (their rows cannot be attributed to a team).
func (p *preparedOutcome) diff(ctx context.Context, q queryFunc) (ImportResult, error) {
	r := ImportResult{Kind: p.kind, File: p.file, SHA256: p.sha, Rows: len(p.rows), Warnings: p.warnings}
	last, err := lastImport(ctx, q, p.kind, p.file)
	if err != nil {
		return r, err
	}
	name := map[string]string{KindAssessments: "existing_assessments", KindSurveys: "existing_survey_responses"}[p.kind]
	old, err := previousRows(ctx, q, name, p.file)
	if err != nil {
		return r, err
	}
	known := map[string]bool{}
	rows, err := q(ctx, query("known_ids"))
	if err != nil {
		return r, fmt.Errorf("people: read known ids: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return r, fmt.Errorf("people: read known ids: %w", err)
		}
		known[id] = true
	}
	rows.Close()
	var unknown []string
	seen := map[string]bool{}
	for _, n := range p.rows {
		seen[n.id] = true
		switch v, ok := old[n.id]; {
		case !ok:
			r.Added++
			r.Changes = append(r.Changes, Change{Op: "add", Line: n.line, Row: n.desc})
		case v.sig != n.sig:
			r.Changed++
			r.Changes = append(r.Changes, Change{Op: "change", Line: n.line, Row: n.desc, Was: v.desc})
		default:
			r.Unchanged++
		}
		if ref := n.person + n.team; ref != "" && !known[ref] && len(unknown) < 10 {
			unknown = append(unknown, strconv.Itoa(n.line))
		}
	}
	for id, v := range old {
		if !seen[id] {
			r.Removed++
			r.Changes = append(r.Changes, Change{Op: "remove", Line: v.line, Row: v.desc})
		}
	}
	if len(unknown) > 0 {
		what := map[string]string{KindAssessments: "a person", KindSurveys: "a team"}[p.kind]
		r.Warnings = append(r.Warnings, Problem{Message: fmt.Sprintf("lines %s (and maybe more) name %s no people file knows: imported, but not attributed to any team until teams.csv names it",
			strings.Join(unknown, ", "), what)})
	}
	sort.SliceStable(r.Changes, func(i, j int) bool {
		if r.Changes[i].Line != r.Changes[j].Line {
			return r.Changes[i].Line < r.Changes[j].Line
		}
		return r.Changes[i].Op < r.Changes[j].Op
	})
	r.SameFile = last == p.sha && r.Added+r.Changed+r.Removed == 0
	return r, nil
}

// write replaces the file's rows inside w's transaction.
func (p *preparedOutcome) write(ctx context.Context, w *store.Writer, now time.Time) error {
	del := map[string]string{KindAssessments: "delete_assessments", KindSurveys: "delete_survey_responses"}[p.kind]
	if _, err := w.Exec(ctx, query(del), p.file); err != nil {
		return fmt.Errorf("people: replace rows of %s: %w", p.file, err)
	}
	rows := make([]models.Row, len(p.rows))
	for i, r := range p.rows {
		rows[i] = r.row
	}
	// Upsert: a row with the same id imported from another file moves to this one.
	if err := w.Upsert(ctx, rows); err != nil {
		return fmt.Errorf("people: write %s: %w", p.file, err)
	}
	if _, err := w.Exec(ctx, query("upsert_import"), p.kind, p.file, p.sha, int32(len(p.rows)), now); err != nil {
		return fmt.Errorf("people: record import of %s: %w", p.file, err)
	}
	return nil
}

// numberField parses a finite decimal number ("4", "3.5"; a comma as decimal separator is refused
// with a hint).
func numberField(t *table, r record, name string, pr *problems) (float64, bool) {
	v := r.get(t, name)
	if v == "" {
		pr.add(r.line, t.column(name), name, "missing %s", name)
		return 0, false
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		hint := ""
		if strings.Contains(v, ",") {
			hint = " (use a dot as decimal separator)"
		}
		pr.add(r.line, t.column(name), name, "%s %q is not a number%s", name, v, hint)
		return 0, false
	}
	return x, true
}

// scoreFields validates a score and its maximum: max > 0 and 0 <= score <= max.
func scoreFields(t *table, r record, scoreName, maxName string, pr *problems) (score, top float64, ok bool) {
	score, ok1 := numberField(t, r, scoreName, pr)
	top, ok2 := numberField(t, r, maxName, pr)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if top <= 0 {
		pr.add(r.line, t.column(maxName), maxName, "%s must be more than 0, not %s", maxName, r.get(t, maxName))
		return 0, 0, false
	}
	if score < 0 || score > top {
		pr.add(r.line, t.column(scoreName), scoreName, "%s %s is outside 0..%s (%s)", scoreName, r.get(t, scoreName), r.get(t, maxName), maxName)
		return 0, 0, false
	}
	return score, top, true
}

// pastDate validates a date field that must not lie after today.
func pastDate(t *table, r record, name string, today time.Time, pr *problems) (time.Time, bool) {
	d, ok := dateField(t, r, name, false, pr)
	if !ok {
		return d, false
	}
	if d.After(today) {
		pr.add(r.line, t.column(name), name, "%s %s is in the future", name, fmtDate(d))
		return d, false
	}
	return d, true
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// sigNum is a number in a row signature: integer millionths, as the existing_*.sql queries write it.
func sigNum(x float64) string { return strconv.FormatInt(int64(math.Round(x*1e6)), 10) }
