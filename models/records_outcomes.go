package models

import (
	"database/sql/driver"
	"time"
)

func init() {
	tableColumns["assessments"] = []string{"assessment_id", "person_id", "instrument", "taken_at", "score", "max_score", "source_file", "line"}
	tableColumns["survey_responses"] = []string{"response_id", "team_id", "kind", "survey", "taken_at", "respondent_key", "question",
		"score", "scale", "source_file", "line"}
	tableColumns["settings"] = []string{"key", "value", "updated_at"}
	tableColumns["service_repos"] = []string{"service", "repo"}
}

// Assessment is one assessment score of a person (assessments), imported from assessments.csv.
type Assessment struct {
	AssessmentID, PersonID, Instrument string
	TakenAt                            time.Time // a calendar date
	Score, MaxScore                    float64
	SourceFile                         string
	Line                               int
}

// Table implements Row.
func (Assessment) Table() string { return "assessments" }

// Values implements Row.
func (a Assessment) Values() []driver.Value {
	return []driver.Value{a.AssessmentID, a.PersonID, a.Instrument, nullDate(a.TakenAt), a.Score, a.MaxScore, a.SourceFile, int32(a.Line)}
}

// SurveyResponse is one respondent's answer to one survey question (survey_responses).
type SurveyResponse struct {
	ResponseID, TeamID, Kind, Survey string
	TakenAt                          time.Time // a calendar date
	RespondentKey, Question          string
	Score, Scale                     float64
	SourceFile                       string
	Line                             int
}

// Table implements Row.
func (SurveyResponse) Table() string { return "survey_responses" }

// Values implements Row.
func (s SurveyResponse) Values() []driver.Value {
	return []driver.Value{s.ResponseID, s.TeamID, s.Kind, s.Survey, nullDate(s.TakenAt), s.RespondentKey, s.Question,
		s.Score, s.Scale, s.SourceFile, int32(s.Line)}
}

// Setting is one numeric configuration value the metric files read (settings).
type Setting struct {
	Key       string
	Value     float64
	UpdatedAt time.Time
}

// Table implements Row.
func (Setting) Table() string { return "settings" }

// Values implements Row.
func (s Setting) Values() []driver.Value { return []driver.Value{s.Key, s.Value, s.UpdatedAt.UTC()} }

// ServiceRepo maps an incident service (name or id) to a repository (service_repos).
type ServiceRepo struct{ Service, Repo string }

// Table implements Row.
func (ServiceRepo) Table() string { return "service_repos" }

// Values implements Row.
func (s ServiceRepo) Values() []driver.Value { return []driver.Value{s.Service, s.Repo} }

var (
	_ Row = Assessment{}
	_ Row = SurveyResponse{}
	_ Row = Setting{}
	_ Row = ServiceRepo{}
)
