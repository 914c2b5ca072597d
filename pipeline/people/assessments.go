package people

import (
	"fmt"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/models"
)

// AssessmentID returns "files:assessment:<person_id>|<instrument>|<taken_at YYYY-MM-DD>".
func AssessmentID(personID, instrument, takenAt string) string {
	return models.ID(models.SourceFiles, "assessment", personID+"|"+instrument+"|"+takenAt)
}

// parseAssessments validates assessments.csv: person_email, instrument (any name, e.g. knowledge
// quiz, confidence, 360, manager observation; compared lower-case), taken_at (YYYY-MM-DD, not in
// the future), score and max_score (numbers, max_score > 0, 0 <= score <= max_score). One person
// can take an instrument once a day: a second row for the same person, instrument and day is an
// error naming the first.
func parseAssessments(t *table, file string, today time.Time, pr *problems) []outcomeRow {
	var out []outcomeRow
	ids := map[string]int{}
	for _, r := range t.records {
		email, ok1 := emailField(t, r, pr)
		instrument, ok2 := required(t, r, "instrument", pr)
		instrument = strings.ToLower(strings.Join(strings.Fields(instrument), " "))
		taken, ok3 := pastDate(t, r, "taken_at", today, pr)
		score, top, ok4 := scoreFields(t, r, "score", "max_score", pr)
		if !(ok1 && ok2 && ok3 && ok4) {
			continue
		}
		pid := PersonID(email)
		id := AssessmentID(pid, instrument, fmtDate(taken))
		if l, ok := ids[id]; ok {
			pr.add(r.line, 0, "", "same person, instrument and taken_at as line %d", l)
			continue
		}
		ids[id] = r.line
		out = append(out, outcomeRow{
			id:     id,
			sig:    strings.Join([]string{pid, instrument, fmtDate(taken), sigNum(score), sigNum(top)}, "|"),
			desc:   fmt.Sprintf("%s %s on %s: %s of %s", email, instrument, fmtDate(taken), num(score), num(top)),
			line:   r.line,
			person: pid,
			row: models.Assessment{AssessmentID: id, PersonID: pid, Instrument: instrument, TakenAt: taken, Score: score,
				MaxScore: top, SourceFile: file, Line: r.line},
		})
	}
	return out
}
