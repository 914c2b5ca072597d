package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
)

// Products implements connectors.Mapper.
func (s *Source) Products() []string { return []string{"tickets", "ticket_changes", "accounts"} }

// changeFields are the changelog fields kept in ticket_changes.
var changeFields = map[string]bool{"status": true, "priority": true, "assignee": true, "labels": true}

type userJSON struct {
	AccountID    string `json:"accountId"`
	AccountType  string `json:"accountType"`
	Name         string `json:"name"`
	Key          string `json:"key"`
	EmailAddress string `json:"emailAddress"`
	DisplayName  string `json:"displayName"`
}

// nativeID is the account's id at Jira: accountId (Cloud) or user key (Data Center).
func (u *userJSON) nativeID() string {
	if u == nil {
		return ""
	}
	if u.AccountID != "" {
		return u.AccountID
	}
	if u.Key != "" {
		return u.Key
	}
	return u.Name
}

type itemJSON struct {
	Field      string  `json:"field"`
	FieldID    string  `json:"fieldId"`
	From       *string `json:"from"`
	FromString *string `json:"fromString"`
	To         *string `json:"to"`
	ToString   *string `json:"toString"`
}

type historyJSON struct {
	ID      string     `json:"id"`
	Author  *userJSON  `json:"author"`
	Created string     `json:"created"`
	Items   []itemJSON `json:"items"`
}

type issueJSON struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Fields struct {
		Project struct {
			Key string `json:"key"`
		} `json:"project"`
		IssueType *struct {
			Name string `json:"name"`
		} `json:"issuetype"`
		Status *struct {
			ID             string `json:"id"`
			Name           string `json:"name"`
			StatusCategory *struct {
				Key string `json:"key"`
			} `json:"statusCategory"`
		} `json:"status"`
		Priority *struct {
			Name string `json:"name"`
		} `json:"priority"`
		Assignee       *userJSON `json:"assignee"`
		Reporter       *userJSON `json:"reporter"`
		Created        string    `json:"created"`
		Updated        string    `json:"updated"`
		ResolutionDate *string   `json:"resolutiondate"`
		DueDate        *string   `json:"duedate"`
		Labels         []string  `json:"labels"`
	} `json:"fields"`
	Changelog *struct {
		Histories []historyJSON `json:"histories"`
	} `json:"changelog"`
}

// accountSet collects the accounts seen in one Map call; a user object (with its email and
// type) wins over a bare id from a changelog item.
type accountSet map[string]models.Account

func (a accountSet) user(u *userJSON) string {
	id := u.nativeID()
	if id == "" {
		return ""
	}
	acc := models.Account{AccountID: models.AccountID(Name, id), Source: Name, NativeID: id, Login: u.Name,
		Email: strings.ToLower(u.EmailAddress), Name: u.DisplayName, IsBot: u.AccountType == "app"}
	if prev, ok := a[id]; !ok || prev.Email == "" && prev.Login == "" || acc.Email != "" {
		a[id] = acc
	}
	return acc.AccountID
}

// bare records an account known only by id and display name (a changelog assignee value).
func (a accountSet) bare(id, name string) {
	if id == "" {
		return
	}
	if _, ok := a[id]; !ok {
		a[id] = models.Account{AccountID: models.AccountID(Name, id), Source: Name, NativeID: id, Name: name}
	}
}

// Map implements connectors.Mapper: issues become tickets (and ticket_changes from their
// embedded changelog), changelog histories become ticket_changes, every user seen an account.
// Catalog records (field, status, priorities) yield no rows; field records teach Map the
// custom field ids. Derived columns are left at their defaults for DeriveSQL.
func (s *Source) Map(ctx context.Context, raws []models.RawRecord, emit func(models.Row) error) error {
	s.learnFields(raws)
	accts := accountSet{}
	for _, r := range raws {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch r.Entity {
		case entityIssue:
			if err := s.mapIssue(r, accts, emit); err != nil {
				return err
			}
		case entityChangelog:
			var h historyJSON
			if err := json.Unmarshal(r.Payload, &h); err != nil {
				return fmt.Errorf("jira: changelog %s: %w", r.NativeID, err)
			}
			if err := mapHistory(models.ID(Name, entityIssue, r.Scope), &h, accts, emit); err != nil {
				return err
			}
		}
	}
	ids := make([]string, 0, len(accts))
	for id := range accts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := emit(accts[id]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) mapIssue(r models.RawRecord, accts accountSet, emit func(models.Row) error) error {
	var is issueJSON
	if err := json.Unmarshal(r.Payload, &is); err != nil {
		return fmt.Errorf("jira: issue %s: %w", r.NativeID, err)
	}
	if is.ID == "" {
		return fmt.Errorf("jira: issue %s: %w: no id", r.NativeID, connectors.ErrMalformed)
	}
	f := &is.Fields
	t := models.Ticket{TicketID: models.ID(Name, entityIssue, is.ID), Source: Name, NativeID: is.ID, Key: is.Key,
		ProjectKey: f.Project.Key, Labels: f.Labels, DeletedAt: r.DeletedAt}
	if t.ProjectKey == "" {
		t.ProjectKey, _, _ = strings.Cut(is.Key, "-")
	}
	if f.IssueType != nil {
		t.IssueType = f.IssueType.Name
	}
	if f.Status != nil {
		t.Status = f.Status.Name
		if f.Status.StatusCategory != nil {
			t.StatusCategory = f.Status.StatusCategory.Key
		}
	}
	if f.Priority != nil {
		t.Priority = f.Priority.Name
	}
	if f.Assignee != nil {
		t.AssigneeAccountID = accts.user(f.Assignee)
	}
	if f.Reporter != nil {
		t.ReporterAccountID = accts.user(f.Reporter)
	}
	var err error
	if t.CreatedAt, err = parseTime(f.Created); err != nil {
		return fmt.Errorf("jira: issue %s: created: %w", is.Key, err)
	}
	if f.Updated != "" {
		if t.UpdatedAt, err = parseTime(f.Updated); err != nil {
			return fmt.Errorf("jira: issue %s: updated: %w", is.Key, err)
		}
	}
	// resolved_at is the resolution date only while the issue is in the done category: a
	// reopened issue is open even where a workflow forgets to clear the resolution.
	if f.ResolutionDate != nil && *f.ResolutionDate != "" && t.StatusCategory == "done" {
		if t.ResolvedAt, err = parseTime(*f.ResolutionDate); err != nil {
			return fmt.Errorf("jira: issue %s: resolutiondate: %w", is.Key, err)
		}
	}
	if f.DueDate != nil && *f.DueDate != "" {
		if t.DueDate, err = time.Parse(time.DateOnly, *f.DueDate); err != nil {
			return fmt.Errorf("jira: issue %s: duedate: %w", is.Key, err)
		}
	}
	if t.Labels == nil {
		t.Labels = []string{}
	}
	if t.CustomFields, err = s.customFields(r.Payload); err != nil {
		return fmt.Errorf("jira: issue %s: %w", is.Key, err)
	}
	if err := emit(t); err != nil {
		return err
	}
	if is.Changelog != nil {
		for i := range is.Changelog.Histories {
			if err := mapHistory(t.TicketID, &is.Changelog.Histories[i], accts, emit); err != nil {
				return err
			}
		}
	}
	return nil
}

func mapHistory(ticketID string, h *historyJSON, accts accountSet, emit func(models.Row) error) error {
	at, err := parseTime(h.Created)
	if err != nil {
		return fmt.Errorf("jira: history %s: %w", h.ID, err)
	}
	author := ""
	if h.Author != nil {
		author = accts.user(h.Author)
	}
	for i, it := range h.Items {
		field := it.FieldID
		if field == "" {
			field = strings.ToLower(it.Field)
		}
		if !changeFields[field] {
			continue
		}
		c := models.TicketChange{ChangeID: models.ID(Name, "change", h.ID+":"+strconv.Itoa(i)), TicketID: ticketID,
			AuthorAccountID: author, ChangedAt: at, Field: field,
			FromValue: deref(it.From), FromString: deref(it.FromString), ToValue: deref(it.To), ToString: deref(it.ToString)}
		if field == "assignee" {
			accts.bare(c.FromValue, c.FromString)
			accts.bare(c.ToValue, c.ToString)
		}
		if err := emit(c); err != nil {
			return err
		}
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// learnFields records custom field ids from raw field records.
func (s *Source) learnFields(raws []models.RawRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range raws {
		if r.Entity != entityField {
			continue
		}
		var f struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		if json.Unmarshal(r.Payload, &f) == nil && f.ID != "" && f.Name != "" {
			s.fieldIDs[strings.ToLower(f.Name)] = f.ID
		}
	}
}

// fieldID resolves a configured custom field (name or id) to its id; "" when unknown.
func (s *Source) fieldID(nameOrID string) string {
	if strings.HasPrefix(nameOrID, "customfield_") {
		return nameOrID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fieldIDs[strings.ToLower(nameOrID)]
}

// customFields returns the configured custom fields of an issue payload as a JSON object keyed
// by the configured name (nil when none are configured). Option values keep Jira's object form.
func (s *Source) customFields(payload []byte) ([]byte, error) {
	if len(s.cfg.CustomFields) == 0 {
		return nil, nil
	}
	var is struct {
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal(payload, &is); err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	for _, name := range s.cfg.CustomFields {
		v := json.RawMessage("null")
		if id := s.fieldID(name); id != "" {
			if x, ok := is.Fields[id]; ok {
				v = x
			}
		}
		out[name] = v
	}
	return json.Marshal(out)
}
