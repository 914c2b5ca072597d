package people

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// ImportOptions controls Import.
type ImportOptions struct {
	// DryRun validates and reports what would change without writing anything.
	DryRun bool
	// Today decides which completion dates lie in the future and the enrollment status (zero: the
	// date of Now).
	Today time.Time
	// Now stamps imported_at and updated_at (zero: time.Now()).
	Now time.Time
}

func (o ImportOptions) clock() (now, today time.Time) {
	now = o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	today = o.Today
	if today.IsZero() {
		today = now
	}
	return now, day(today)
}

// File names one people file to import.
type File struct {
	Kind string // KindTeams, KindCohorts or KindIdentities
	Path string
}

// ImportResult reports what an import changed (or, in a dry run, would change) for one file.
// Rows of the file are compared with the rows previously imported from the same file by their
// deterministic ids: Added, Changed, Removed and Unchanged count them.
type ImportResult struct {
	Kind      string    `json:"kind"`
	File      string    `json:"file"` // absolute path, the key of the file's rows
	SHA256    string    `json:"sha256"`
	Rows      int       `json:"rows"`
	Added     int       `json:"added"`
	Changed   int       `json:"changed"`
	Removed   int       `json:"removed"`
	Unchanged int       `json:"unchanged"`
	SameFile  bool      `json:"same_file"` // the file's content equals the last import: nothing written
	DryRun    bool      `json:"dry_run"`
	Warnings  []Problem `json:"warnings,omitempty"`
	// Changes lists every added, changed and removed row, in line order (removed rows carry the
	// line they had in the previously imported version).
	Changes []Change `json:"changes,omitempty"`
}

// Change is one row an import adds, changes or removes.
type Change struct {
	Op   string `json:"op"` // add, change or remove
	Line int    `json:"line"`
	Row  string `json:"row"` // the row in words, e.g. "ada@acme.example lead of payments from 2024-01-01 to open"
	Was  string `json:"was,omitempty"`
}

// Import validates the people file at path as the given kind and, unless opts.DryRun, replaces
// the rows previously imported from that file with its rows, in one transaction. Any error in the
// file is returned as a *ValidationError listing every problem, and nothing is written.
// Re-importing an unchanged file writes nothing. See ImportFiles for several files at once.
func Import(ctx context.Context, st *store.Store, kind, path string, opts ImportOptions) (ImportResult, error) {
	res, err := ImportFiles(ctx, st, []File{{Kind: kind, Path: path}}, opts)
	if len(res) == 1 {
		return res[0], err
	}
	return ImportResult{Kind: kind, File: path}, err
}

// ImportFiles validates every file first; if any has errors, nothing is written and the error joins
// one *ValidationError per bad file (errors.As finds the first). Otherwise all files are written
// in one transaction. Results come back in the order of files.
func ImportFiles(ctx context.Context, st *store.Store, files []File, opts ImportOptions) ([]ImportResult, error) {
	now, today := opts.clock()
	var preps []*prepared
	var errs []error
	for _, f := range files {
		p, err := prepare(f.Kind, f.Path, now, today)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		preps = append(preps, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := warnUnteamed(ctx, st, preps); err != nil {
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
	err := st.Write(ctx, func(w *store.Writer) error {
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
		if _, err := w.Exec(ctx, query("delete_orphans")); err != nil {
			return fmt.Errorf("people: remove unreferenced rows: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// prepared is a validated file, ready to be compared and written.
type prepared struct {
	kind, file, sha string
	rows            int
	emailCol        int // column of person_email (1-based)
	p               parsed
	warnings        []Problem
}

// prepare reads and validates one file.
func prepare(kind, path string, now, today time.Time) (*prepared, error) {
	if _, ok := Headers[kind]; !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	abs, data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return prepareData(kind, path, abs, data, now, today)
}

// readFile returns path made absolute and at most MaxFileSize+1 of its bytes (one more than allowed,
// so that the caller can tell a file that is too large).
func readFile(path string) (abs string, data []byte, err error) {
	abs, err = filepath.Abs(path)
	if err != nil {
		return "", nil, fmt.Errorf("people: %s: %w", path, err)
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", nil, fmt.Errorf("people: %w", err)
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return "", nil, fmt.Errorf("people: read %s: %w", path, err)
	}
	return abs, data, nil
}

// prepareData validates the bytes of one file (path as given, for messages; abs, its absolute
// path, for the rows).
func prepareData(kind, path, abs string, data []byte, now, today time.Time) (*prepared, error) {
	want, ok := Headers[kind]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	var pr problems
	var t *table
	if len(data) > MaxFileSize {
		pr.add(0, 0, "", "the file is larger than %d MiB; a people file this large is not a %s file", MaxFileSize>>20, kind)
	} else {
		t = readTable(data, want, &pr)
	}
	var p parsed
	rows := 0
	if t != nil {
		rows = len(t.records)
		switch kind {
		case KindTeams:
			p = parseTeams(t, abs, now, &pr)
		case KindCohorts:
			p = parseCohorts(t, abs, now, today, &pr)
		case KindIdentities:
			p = parseIdentities(t, abs, now, &pr)
		}
		if rows == 0 && !pr.failed() {
			pr.warn(1, 0, "", "the file has a header but no rows: importing it removes every row imported from it before")
		}
	}
	if pr.failed() {
		sortProblems(pr.errs)
		return nil, &ValidationError{Kind: kind, File: path, Problems: pr.errs, Omitted: pr.omitted}
	}
	h := sha256.Sum256(data)
	sortProblems(pr.warnings)
	emailCol := 1
	if t != nil {
		emailCol = t.column("person_email")
	}
	return &prepared{kind: kind, file: abs, sha: hex.EncodeToString(h[:]), rows: rows, emailCol: emailCol, p: p, warnings: pr.warnings}, nil
}

type queryFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

// lastImport returns the SHA-256 of the content last imported from file as kind ("" when none).
func lastImport(ctx context.Context, q queryFunc, kind, file string) (string, error) {
	var last sql.NullString
	rows, err := q(ctx, query("import_sha"), kind, file)
	if err != nil {
		return "", fmt.Errorf("people: read imports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&last); err != nil {
			return "", fmt.Errorf("people: read imports: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("people: read imports: %w", err)
	}
	return last.String, nil
}

// prevRow is a row imported from a file before: its signature (to tell a change), its words and line.
type prevRow struct {
	sig, desc string
	line      int
}

// previousRows reads the rows imported from file before, by id, with the named query (id, sig,
// desc, line).
func previousRows(ctx context.Context, q queryFunc, name, file string) (map[string]prevRow, error) {
	rows, err := q(ctx, query(name), file)
	if err != nil {
		return nil, fmt.Errorf("people: read previous rows of %s: %w", file, err)
	}
	defer rows.Close()
	old := map[string]prevRow{}
	for rows.Next() {
		var id string
		var v prevRow
		if err := rows.Scan(&id, &v.sig, &v.desc, &v.line); err != nil {
			return nil, fmt.Errorf("people: read previous rows of %s: %w", file, err)
		}
		old[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("people: read previous rows of %s: %w", file, err)
	}
	return old, nil
}

// diff compares the file's rows with those imported from it before.
func (p *prepared) diff(ctx context.Context, q queryFunc) (ImportResult, error) {
	r := ImportResult{Kind: p.kind, File: p.file, SHA256: p.sha, Rows: p.rows, Warnings: p.warnings}
	last, err := lastImport(ctx, q, p.kind, p.file)
	if err != nil {
		return r, err
	}
	name := map[string]string{KindTeams: "existing_memberships", KindCohorts: "existing_enrollments", KindIdentities: "existing_overrides"}[p.kind]
	old, err := previousRows(ctx, q, name, p.file)
	if err != nil {
		return r, err
	}
	seen := map[string]bool{}
	for _, n := range p.rowsInWords() {
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
	}
	for id, v := range old {
		if !seen[id] {
			r.Removed++
			r.Changes = append(r.Changes, Change{Op: "remove", Line: v.line, Row: v.desc})
		}
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

type rowInWords struct {
	id, sig, desc string
	line          int
}

// rowsInWords returns each row's id, content signature (as in the existing_*.sql queries) and
// description.
func (p *prepared) rowsInWords() []rowInWords {
	var out []rowInWords
	email := map[string]string{}
	for _, x := range p.p.people {
		email[x.PersonID] = x.Email
	}
	team := map[string]string{}
	for _, x := range p.p.teams {
		team[x.TeamID] = x.Name
	}
	cohort := map[string]string{}
	for _, x := range p.p.cohorts {
		cohort[x.CohortID] = x.Name
	}
	completed := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format(dateLayout)
	}
	switch p.kind {
	case KindTeams:
		for _, m := range p.p.memberships {
			out = append(out, rowInWords{m.MembershipID,
				strings.Join([]string{m.PersonID, m.TeamID, m.Role, fmtDate(m.ValidFrom), dateOrEmpty(m.ValidTo)}, "|"),
				fmt.Sprintf("%s %s of %s from %s to %s", email[m.PersonID], m.Role, team[m.TeamID], fmtDate(m.ValidFrom), fmtDate(m.ValidTo)), m.Line})
		}
	case KindCohorts:
		for _, e := range p.p.enrollments {
			out = append(out, rowInWords{e.EnrollmentID,
				strings.Join([]string{e.PersonID, e.CohortID, e.Program, fmtDate(e.EnrolledAt), dateOrEmpty(e.CompletedAt)}, "|"),
				fmt.Sprintf("%s in %s/%s enrolled %s completed %s", email[e.PersonID], e.Program, cohort[e.CohortID], fmtDate(e.EnrolledAt), completed(e.CompletedAt)), e.Line})
		}
	case KindIdentities:
		for _, o := range p.p.overrides {
			out = append(out, rowInWords{o.Source + "|" + strings.ToLower(o.Account), o.PersonID,
				fmt.Sprintf("%s account %s is %s", o.Source, o.Account, email[o.PersonID]), o.Line})
		}
	}
	return out
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// write replaces the file's rows inside w's transaction.
func (p *prepared) write(ctx context.Context, w *store.Writer, now time.Time) error {
	del := map[string]string{KindTeams: "delete_memberships", KindCohorts: "delete_enrollments", KindIdentities: "delete_overrides"}[p.kind]
	if _, err := w.Exec(ctx, query(del), p.file); err != nil {
		return fmt.Errorf("people: replace rows of %s: %w", p.file, err)
	}
	known := map[string]bool{}
	rows, err := w.Query(ctx, query("known_ids"))
	if err != nil {
		return fmt.Errorf("people: read known ids: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("people: read known ids: %w", err)
		}
		known[id] = true
	}
	rows.Close()
	var add []models.Row
	for _, x := range p.p.people {
		if !known[x.PersonID] {
			add = append(add, x)
		}
	}
	for _, x := range p.p.teams {
		if !known[x.TeamID] {
			add = append(add, x)
		}
	}
	for _, x := range p.p.cohorts {
		if !known[x.CohortID] {
			add = append(add, x)
		}
	}
	if err := w.Insert(ctx, add); err != nil {
		return fmt.Errorf("people: write %s: %w", p.file, err)
	}
	var facts []models.Row
	for _, x := range p.p.memberships {
		facts = append(facts, x)
	}
	for _, x := range p.p.enrollments {
		facts = append(facts, x)
	}
	for _, x := range p.p.overrides {
		facts = append(facts, x)
	}
	// Upsert: a row with the same id imported from another file moves to this one.
	if err := w.Upsert(ctx, facts); err != nil {
		return fmt.Errorf("people: write %s: %w", p.file, err)
	}
	if _, err := w.Exec(ctx, query("upsert_import"), p.kind, p.file, p.sha, int32(p.rows), now); err != nil {
		return fmt.Errorf("people: record import of %s: %w", p.file, err)
	}
	return nil
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Column < ps[j].Column
	})
}

// UnteamedWarning is the warning given for a cohort row whose person is in no team.
const UnteamedWarning = "this person is in no team of the teams file: their training changes no team's exposure " +
	"(an email written differently in the two files? `trainimpact identities --unmatched` lists them)"

// warnUnteamed adds a warning, with its line, to every cohort row whose person has no team
// membership in the teams files of this import or of earlier ones. Such a row is legitimate — a
// leadership program often takes people from outside the teams being measured — but a typo in an
// email makes a trained lead vanish from the analysis, so every one is shown, and listed again by
// Unteamed. Before any teams file has been imported nothing can be judged and nothing is said.
func warnUnteamed(ctx context.Context, st *store.Store, preps []*prepared) error {
	members := map[string]bool{}
	for _, p := range preps {
		for _, m := range p.p.memberships {
			members[m.PersonID] = true
		}
	}
	rows, err := st.DB().QueryContext(ctx, query("team_members"))
	if err != nil {
		return fmt.Errorf("people: read team members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("people: read team members: %w", err)
		}
		members[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(members) == 0 {
		return nil
	}
	for _, p := range preps {
		if p.kind != KindCohorts {
			continue
		}
		for _, e := range p.p.enrollments {
			if !members[e.PersonID] {
				p.warnings = append(p.warnings, Problem{Line: e.Line, Column: p.emailCol, Field: "person_email", Message: UnteamedWarning})
			}
		}
		sortProblems(p.warnings)
	}
	return nil
}

// Unteamed is a cohort row whose person is in no team (see UnteamedWarning).
type Unteamed struct {
	Email, Program, Cohort, File string
	Line                         int
}

// ListUnteamed returns the imported cohort rows whose person is in no team, by file and line
// (none while no teams file is imported). db is the working database: the rows carry emails.
func ListUnteamed(ctx context.Context, db *sql.DB) ([]Unteamed, error) {
	rows, err := db.QueryContext(ctx, query("unteamed_participants"))
	if err != nil {
		return nil, fmt.Errorf("people: list participants without a team: %w", err)
	}
	defer rows.Close()
	var out []Unteamed
	for rows.Next() {
		var u Unteamed
		if err := rows.Scan(&u.Email, &u.Program, &u.Cohort, &u.File, &u.Line); err != nil {
			return nil, fmt.Errorf("people: list participants without a team: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
