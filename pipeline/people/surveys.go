package people

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/models"
)

// Survey kinds (survey_responses.kind).
const (
	SurveyEngagement   = "engagement"
	SurveySatisfaction = "stakeholder_satisfaction"
)

// RespondentKey returns the stored form of a survey tool's opaque respondent id: the first 16 hex
// digits of SHA-256 of it, trimmed. The raw id is never stored.
func RespondentKey(respondent string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(respondent)))
	return hex.EncodeToString(h[:8])
}

// SurveyResponseID returns "files:survey_response:<survey>|<respondent_key>|<team_id>|<question>".
func SurveyResponseID(survey, respondentKey, teamID, question string) string {
	return models.ID(models.SourceFiles, "survey_response", survey+"|"+respondentKey+"|"+teamID+"|"+question)
}

// parseSurveys validates surveys.csv: team (the respondent's own team for engagement, the IT team
// rated for stakeholder satisfaction, as named in teams.csv), kind (engagement or
// stakeholder_satisfaction), survey (the pulse wave), taken_at (YYYY-MM-DD, not in the future),
// respondent (the survey tool's opaque respondent or response id — never an email or a name: a
// value with an @ is refused), question, score and scale (numbers, scale > 0 is the top of the
// scale, 0 <= score <= scale). One respondent answers a question about a team once per survey.
func parseSurveys(t *table, file string, today time.Time, pr *problems) []outcomeRow {
	var out []outcomeRow
	ids := map[string]int{}
	for _, r := range t.records {
		team, ok1 := required(t, r, "team", pr)
		kind := strings.ToLower(r.get(t, "kind"))
		ok2 := true
		switch kind {
		case SurveyEngagement, SurveySatisfaction:
		case "":
			pr.add(r.line, t.column("kind"), "kind", "missing kind (engagement or stakeholder_satisfaction)")
			ok2 = false
		default:
			pr.add(r.line, t.column("kind"), "kind", "unknown kind %q (engagement or stakeholder_satisfaction)", r.get(t, "kind"))
			ok2 = false
		}
		survey, ok3 := required(t, r, "survey", pr)
		taken, ok4 := pastDate(t, r, "taken_at", today, pr)
		respondent, ok5 := required(t, r, "respondent", pr)
		if ok5 && strings.Contains(respondent, "@") {
			pr.add(r.line, t.column("respondent"), "respondent", "looks like an email: respondent must be the survey tool's opaque respondent id, never who answered")
			ok5 = false
		}
		question, ok6 := required(t, r, "question", pr)
		score, top, ok7 := scoreFields(t, r, "score", "scale", pr)
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
			continue
		}
		teamID := TeamID(team)
		key := RespondentKey(respondent)
		id := SurveyResponseID(survey, key, teamID, question)
		if l, ok := ids[id]; ok {
			pr.add(r.line, 0, "", "same survey, respondent, team and question as line %d", l)
			continue
		}
		ids[id] = r.line
		out = append(out, outcomeRow{
			id:   id,
			sig:  strings.Join([]string{teamID, kind, survey, fmtDate(taken), key, question, sigNum(score), sigNum(top)}, "|"),
			desc: fmt.Sprintf("%s %s about %s on %s: %q %s of %s", survey, kind, team, fmtDate(taken), question, num(score), num(top)),
			line: r.line,
			team: teamID,
			row: models.SurveyResponse{ResponseID: id, TeamID: teamID, Kind: kind, Survey: survey, TakenAt: taken,
				RespondentKey: key, Question: question, Score: score, Scale: top, SourceFile: file, Line: r.line},
		})
	}
	return out
}
