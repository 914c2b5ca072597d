package exposure

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

//go:embed sql/*.sql
var sqlFS embed.FS

func query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("exposure: no embedded query %q", name))
	}
	return string(b)
}

// Units and dropout policies (config analysis.unit and analysis.dropouts).
const (
	UnitTeam   = "team"
	UnitPerson = "person"

	DropoutsExclude          = "exclude"
	DropoutsIntentionToTreat = "intention_to_treat"
)

// Statuses of the exposure table.
const (
	StatusTreated = "treated"
	StatusNotYet  = "not_yet"
	StatusNever   = "never"
	StatusDropout = "dropout"
)

// ErrBadOption reports an unknown unit or dropout policy.
var ErrBadOption = errors.New("exposure: unknown option")

type queryFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

// Compute returns the exposure of every unit of the given kind as of today (the rules are in the
// package documentation), sorted by unit id. It only reads.
func Compute(ctx context.Context, st *store.Store, unit, dropouts string, today time.Time) ([]models.Exposure, error) {
	in, err := load(ctx, st.DB().QueryContext, today)
	if err != nil {
		return nil, err
	}
	return in.compute(unit, dropouts)
}

// Write computes the exposure of the configured unit and replaces the whole exposure table with
// it, in one transaction; it also refreshes enrollments.status as of today. It returns the rows
// written.
func Write(ctx context.Context, st *store.Store, unit, dropouts string, today time.Time) ([]models.Exposure, error) {
	var out []models.Exposure
	err := st.Write(ctx, func(w *store.Writer) error {
		in, err := load(ctx, w.Query, today)
		if err != nil {
			return err
		}
		out, err = in.compute(unit, dropouts)
		if err != nil {
			return err
		}
		if _, err := w.Exec(ctx, query("delete")); err != nil {
			return fmt.Errorf("exposure: clear: %w", err)
		}
		rows := make([]models.Row, 0, len(out)+len(in.enrollments))
		for _, e := range out {
			rows = append(rows, e)
		}
		if err := w.Insert(ctx, rows); err != nil {
			return fmt.Errorf("exposure: write: %w", err)
		}
		var changed []models.Row
		for _, e := range in.enrollments {
			if s := in.status[e.EnrollmentID]; s != e.Status {
				e.Status = s
				changed = append(changed, e)
			}
		}
		if err := w.Upsert(ctx, changed); err != nil {
			return fmt.Errorf("exposure: refresh enrollment status: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type tenure struct {
	person   string
	from, to time.Time // to zero = open
}

type inputs struct {
	today       time.Time
	enrollments []models.Enrollment
	status      map[string]string    // enrollment id -> status as of today
	first       map[string]time.Time // cohort id -> first completion
	cohortName  map[string]string
	leads       map[string][]tenure // team -> tenures in date order
	teams       []string
	persons     []string
}

func load(ctx context.Context, q queryFunc, today time.Time) (*inputs, error) {
	y, m, d := today.UTC().Date()
	in := &inputs{today: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), status: map[string]string{}, cohortName: map[string]string{}, leads: map[string][]tenure{}}
	err := scan(ctx, q, "enrollments", func(r *sql.Rows) error {
		var e models.Enrollment
		var done sql.NullTime
		if err := r.Scan(&e.EnrollmentID, &e.PersonID, &e.CohortID, &e.Program, &e.EnrolledAt, &done, &e.Status, &e.SourceFile, &e.Line); err != nil {
			return err
		}
		e.CompletedAt = done.Time
		in.enrollments = append(in.enrollments, e)
		return nil
	})
	if err == nil {
		err = scan(ctx, q, "leads", func(r *sql.Rows) error {
			var team string
			var t tenure
			var to sql.NullTime
			if err := r.Scan(&team, &t.person, &t.from, &to); err != nil {
				return err
			}
			t.to = to.Time
			in.leads[team] = append(in.leads[team], t)
			return nil
		})
	}
	if err == nil {
		err = scan(ctx, q, "teams", func(r *sql.Rows) error {
			var id string
			err := r.Scan(&id)
			in.teams = append(in.teams, id)
			return err
		})
	}
	if err == nil {
		err = scan(ctx, q, "persons", func(r *sql.Rows) error {
			var id string
			err := r.Scan(&id)
			in.persons = append(in.persons, id)
			return err
		})
	}
	if err == nil {
		err = scan(ctx, q, "cohort_names", func(r *sql.Rows) error {
			var id, name string
			err := r.Scan(&id, &name)
			in.cohortName[id] = name
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("exposure: read: %w", err)
	}
	in.first = people.CohortFirstCompletions(in.enrollments, in.today)
	for _, e := range in.enrollments {
		in.status[e.EnrollmentID] = people.EnrollmentStatus(e.CompletedAt, in.first[e.CohortID], in.today)
	}
	return in, nil
}

func scan(ctx context.Context, q queryFunc, name string, fn func(*sql.Rows) error) error {
	rows, err := q(ctx, query(name))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// training is what a person's enrollments say as of today.
type training struct {
	at              time.Time // treatment date: completion, or (ITT) the cohort's first completion
	cohort, program string
	itt             bool      // at comes from intention to treat
	pending         bool      // enrolled, completion in the future or cohort still running
	expected        time.Time // future completion date, when known
	dropout         bool      // dropped out (and not treated otherwise)
	dropCohort      string
	dropEnrolled    time.Time
}

func (in *inputs) trainings(itt bool) map[string]*training {
	out := map[string]*training{}
	es := append([]models.Enrollment(nil), in.enrollments...)
	sort.SliceStable(es, func(i, j int) bool { return es[i].EnrolledAt.Before(es[j].EnrolledAt) })
	for _, e := range es {
		t := out[e.PersonID]
		if t == nil {
			t = &training{}
			out[e.PersonID] = t
		}
		at := time.Time{}
		viaITT := false
		switch in.status[e.EnrollmentID] {
		case people.StatusCompleted:
			at = e.CompletedAt
		case people.StatusInProgress:
			t.pending = true
			if !e.CompletedAt.IsZero() && (t.expected.IsZero() || e.CompletedAt.Before(t.expected)) {
				t.expected = e.CompletedAt
			}
		case people.StatusDropout:
			if itt {
				at, viaITT = in.first[e.CohortID], true
			}
			if at.IsZero() && !t.dropout {
				t.dropout, t.dropCohort, t.dropEnrolled = true, e.CohortID, e.EnrolledAt
			}
		}
		if !at.IsZero() && (t.at.IsZero() || at.Before(t.at)) {
			t.at, t.cohort, t.program, t.itt = at, e.CohortID, e.Program, viaITT
		}
	}
	return out
}

func (in *inputs) compute(unit, dropouts string) ([]models.Exposure, error) {
	if dropouts != DropoutsExclude && dropouts != DropoutsIntentionToTreat {
		return nil, fmt.Errorf("%w: analysis.dropouts %q (exclude or intention_to_treat)", ErrBadOption, dropouts)
	}
	tr := in.trainings(dropouts == DropoutsIntentionToTreat)
	switch unit {
	case UnitPerson:
		return in.personUnits(tr), nil
	case UnitTeam:
		return in.teamUnits(tr), nil
	}
	return nil, fmt.Errorf("%w: analysis.unit %q (team or person)", ErrBadOption, unit)
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func (in *inputs) personUnits(tr map[string]*training) []models.Exposure {
	out := make([]models.Exposure, 0, len(in.persons))
	for _, p := range in.persons {
		e := models.Exposure{UnitType: UnitPerson, UnitID: p, Status: StatusNever}
		t := tr[p]
		switch {
		case t == nil:
		case !t.at.IsZero():
			e.Status, e.TreatedAt, e.CohortID, e.Program = StatusTreated, t.at, t.cohort, t.program
			if t.itt {
				e.Note = "dropped out; counted as treated from the cohort's first completion (intention to treat)"
			}
		case t.pending:
			e.Status = StatusNotYet
			e.Note = "enrolled, not completed yet"
			if !t.expected.IsZero() {
				e.Note = "completion expected " + date(t.expected)
			}
		case t.dropout:
			e.Status, e.CohortID = StatusDropout, t.dropCohort
			e.Note = "dropped out of cohort " + in.cohortName[t.dropCohort] + "; excluded from the treated"
		}
		out = append(out, e)
	}
	return out
}

func (in *inputs) teamUnits(tr map[string]*training) []models.Exposure {
	out := make([]models.Exposure, 0, len(in.teams))
	for _, team := range in.teams {
		e := models.Exposure{UnitType: UnitTeam, UnitID: team, Status: StatusNever}
		tenures := in.leads[team]
		var best *tenure
		var bestAt time.Time
		for i := range tenures {
			l := &tenures[i]
			t := tr[l.person]
			if t == nil || t.at.IsZero() {
				continue
			}
			c := t.at
			if c.Before(l.from) {
				c = l.from
			}
			if (!l.to.IsZero() && c.After(l.to)) || c.After(in.today) {
				continue
			}
			if best == nil || c.Before(bestAt) {
				best, bestAt = l, c
			}
		}
		var notes []string
		switch {
		case best != nil:
			t := tr[best.person]
			e.Status, e.TreatedAt, e.CohortID, e.Program, e.LeadPersonID = StatusTreated, bestAt, t.cohort, t.program, best.person
			if t.itt {
				notes = append(notes, "lead dropped out; counted as treated from the cohort's first completion (intention to treat)")
			}
			if t.at.Before(best.from) {
				notes = append(notes, "lead completed before taking office on "+date(best.from))
			}
			notes = append(notes, in.afterTreatment(tenures, best, tr)...)
		default:
			if len(tenures) == 0 {
				notes = append(notes, "no lead in teams.csv")
			}
			for i := range tenures {
				l := &tenures[i]
				t := tr[l.person]
				if t == nil {
					continue
				}
				inOffice := l.to.IsZero() || !l.to.Before(in.today)
				if t.pending && inOffice {
					e.Status, e.LeadPersonID = StatusNotYet, l.person
					notes = []string{"lead enrolled, not completed yet"}
					if !t.expected.IsZero() {
						notes = []string{"lead's completion expected " + date(t.expected)}
					}
					break
				}
				if t.dropout && (l.to.IsZero() || !l.to.Before(t.dropEnrolled)) {
					e.Status, e.LeadPersonID, e.CohortID = StatusDropout, l.person, t.dropCohort
					notes = []string{"lead dropped out of cohort " + in.cohortName[t.dropCohort] + "; excluded from the treated"}
				}
			}
		}
		e.Note = strings.Join(notes, "; ")
		out = append(out, e)
	}
	return out
}

// afterTreatment notes lead changes after the treatment date: the team stays treated.
func (in *inputs) afterTreatment(tenures []tenure, treating *tenure, tr map[string]*training) []string {
	if treating.to.IsZero() || !treating.to.Before(in.today) {
		return nil
	}
	left := date(treating.to.AddDate(0, 0, 1))
	for i := range tenures {
		l := &tenures[i]
		if l == treating || !l.from.After(treating.to) || l.from.After(in.today) {
			continue
		}
		t := tr[l.person]
		if t == nil || t.at.IsZero() || t.at.After(in.today) {
			return []string{"trained lead left on " + left + "; successor untrained; the team stays treated"}
		}
		return []string{"trained lead left on " + left + "; successor also trained"}
	}
	return []string{"trained lead left on " + left + "; no lead since; the team stays treated"}
}
