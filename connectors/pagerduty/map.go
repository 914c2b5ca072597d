package pagerduty

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
)

// Raw entity names (raw_records.entity).
const (
	EntityUser             = "user"
	EntityTeam             = "team"
	EntityService          = "service"
	EntityEscalationPolicy = "escalation_policy"
	EntityIncident         = "incident"
	EntityLogEntry         = "log_entry"
)

// incidentPayload holds the incident fields the connector reads (go-pagerduty's own reference
// types for the nested objects).
type incidentPayload struct {
	pd.APIObject
	IncidentNumber     int64                `json:"incident_number"`
	Title              string               `json:"title"`
	IncidentKey        string               `json:"incident_key"`
	Status             string               `json:"status"`
	Urgency            string               `json:"urgency"`
	CreatedAt          string               `json:"created_at"`
	UpdatedAt          string               `json:"updated_at"`
	LastStatusChangeAt string               `json:"last_status_change_at"`
	ResolvedAt         string               `json:"resolved_at"`
	Service            pd.APIObject         `json:"service"`
	EscalationPolicy   pd.APIObject         `json:"escalation_policy"`
	Teams              []pd.APIObject       `json:"teams"`
	Priority           *pd.Priority         `json:"priority"`
	Assignments        []pd.Assignment      `json:"assignments"`
	Acknowledgements   []pd.Acknowledgement `json:"acknowledgements"`
}

// updated returns the incident's last change: updated_at, else the later of last_status_change_at
// and created_at.
func (p *incidentPayload) updated() time.Time {
	if t := parseTime(p.UpdatedAt); !t.IsZero() {
		return t
	}
	c, l := parseTime(p.CreatedAt), parseTime(p.LastStatusChangeAt)
	if l.After(c) {
		return l
	}
	return c
}

// logEntryPayload holds the log entry fields the connector reads.
type logEntryPayload struct {
	pd.APIObject
	CreatedAt string         `json:"created_at"`
	Agent     *pd.APIObject  `json:"agent"`
	Incident  pd.APIObject   `json:"incident"`
	Service   pd.APIObject   `json:"service"`
	Assignees []pd.APIObject `json:"assignees"`
}

type userPayload struct {
	pd.APIObject
	Name  string `json:"name"`
	Email string `json:"email"`
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// isUser reports whether a reference names a user (not a service or integration).
func isUser(o *pd.APIObject) bool {
	return o != nil && o.ID != "" && (o.Type == "user_reference" || o.Type == "user")
}

func accountOf(o *pd.APIObject) string {
	if !isUser(o) {
		return ""
	}
	return models.AccountID(Source, o.ID)
}

// Products implements connectors.Mapper.
func (c *Connector) Products() []string { return []string{"incidents", "incident_events", "accounts"} }

// Map implements connectors.Mapper: users become accounts, incidents become incidents rows (the
// columns derived from the timeline are filled by DeriveSQL), log entries become incident_events.
// Teams, services and escalation policies are kept raw only.
func (c *Connector) Map(ctx context.Context, raw []models.RawRecord, emit func(models.Row) error) error {
	for i := range raw {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		row, err := mapRaw(&raw[i])
		if err != nil {
			return err
		}
		if row != nil {
			if err := emit(row); err != nil {
				return err
			}
		}
	}
	return nil
}

func mapRaw(r *models.RawRecord) (models.Row, error) {
	switch r.Entity {
	case EntityUser:
		var u userPayload
		if err := json.Unmarshal(r.Payload, &u); err != nil {
			return nil, fmt.Errorf("pagerduty: map user %s: %w", r.NativeID, err)
		}
		if u.ID == "" {
			return nil, fmt.Errorf("pagerduty: map user %s: %w: no id", r.NativeID, connectors.ErrMalformed)
		}
		return userRow(&u), nil
	case EntityIncident:
		var p incidentPayload
		if err := json.Unmarshal(r.Payload, &p); err != nil {
			return nil, fmt.Errorf("pagerduty: map incident %s: %w", r.NativeID, err)
		}
		if p.ID == "" || parseTime(p.CreatedAt).IsZero() {
			return nil, fmt.Errorf("pagerduty: map incident %s: %w: no id or no RFC 3339 created_at (%q)", r.NativeID, connectors.ErrMalformed, p.CreatedAt)
		}
		return incidentRow(&p, r.DeletedAt), nil
	case EntityLogEntry:
		var p logEntryPayload
		if err := json.Unmarshal(r.Payload, &p); err != nil {
			return nil, fmt.Errorf("pagerduty: map log entry %s: %w", r.NativeID, err)
		}
		if p.ID == "" || p.Incident.ID == "" || parseTime(p.CreatedAt).IsZero() {
			return nil, fmt.Errorf("pagerduty: map log entry %s: %w: no id, no incident or no RFC 3339 created_at (%q)", r.NativeID, connectors.ErrMalformed, p.CreatedAt)
		}
		return eventRow(&p), nil
	}
	return nil, nil
}

func userRow(u *userPayload) models.Row {
	return models.Account{AccountID: models.AccountID(Source, u.ID), Source: Source, NativeID: u.ID,
		Email: u.Email, Name: u.Name}
}

// incidentRow maps the incident payload. resolved_at is the API's field (NULL when absent; the
// derive step falls back to the resolve log entry); assignee is the current first assignee.
func incidentRow(p *incidentPayload, deleted time.Time) models.Incident {
	in := models.Incident{IncidentID: models.ID(Source, "incident", p.ID), Source: Source, NativeID: p.ID,
		Number: p.IncidentNumber, Title: p.Title, IncidentKey: p.IncidentKey, ServiceID: p.Service.ID,
		ServiceName: p.Service.Summary, EscalationPolicyID: p.EscalationPolicy.ID, Status: p.Status,
		Urgency: p.Urgency, CreatedAt: parseTime(p.CreatedAt), UpdatedAt: p.updated(), DeletedAt: deleted}
	if p.Status == "resolved" {
		in.ResolvedAt = parseTime(p.ResolvedAt)
	}
	if len(p.Teams) > 0 {
		in.SourceTeamID = p.Teams[0].ID
	}
	if p.Priority != nil {
		in.Priority = p.Priority.Name
		if in.Priority == "" {
			in.Priority = p.Priority.Summary
		}
	}
	if len(p.Assignments) > 0 {
		in.AssigneeAccountID = accountOf(&p.Assignments[0].Assignee)
	}
	return in
}

func eventRow(p *logEntryPayload) models.IncidentEvent {
	e := models.IncidentEvent{EventID: models.ID(Source, "log_entry", p.ID), IncidentID: models.ID(Source, "incident", p.Incident.ID),
		Type: strings.TrimSuffix(p.Type, "_log_entry"), CreatedAt: parseTime(p.CreatedAt), AgentAccountID: accountOf(p.Agent),
		Summary: p.Summary}
	if p.Type != "notify_log_entry" {
		for i := range p.Assignees {
			if id := accountOf(&p.Assignees[i]); id != "" {
				e.AssigneeAccountIDs = append(e.AssigneeAccountIDs, id)
			}
		}
	}
	return e
}

//go:embed derive/*.sql
var deriveFS embed.FS

// DeriveSQL implements connectors.Deriver; the statements (derive/*.sql, run in name order)
// recompute, for every PagerDuty incident, acknowledged_at and first_responder_account_id (first
// acknowledge entry), resolved_at where the API gave none and resolver_account_id (last resolve
// entry), escalation_count (escalate entries), reassignment_count (assign entries whose assignees
// differ from the previous assignment), assignee_account_id (last assignment), and add an
// account row for every user referenced by an event but absent from the users listing.
func (c *Connector) DeriveSQL() []string {
	names, err := fs.Glob(deriveFS, "derive/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, n := range names {
		b, err := deriveFS.ReadFile(n)
		if err != nil {
			panic(err)
		}
		out = append(out, string(b))
	}
	return out
}
