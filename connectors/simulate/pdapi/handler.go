// Package pdapi imitates the PagerDuty REST API v2 (as go-pagerduty v1.8 calls it), mounted under
// /pagerduty, serving the records of an org.Org as of the simulator's clock.
//
// What it follows from the API reference:
//   - auth: "Authorization: Token token=<t>"; anything else answers 401
//     {"error":{"message":"Unauthorized","code":2006}};
//   - classic pagination: offset (default 0), limit (default 25, at most 100), more, and total —
//     null unless total=true; offset+limit above 10,000 answers 400 (code 2001);
//   - GET /incidents: since/until select by created_at (since inclusive, until exclusive; default
//     the last month), date_range=all, a range longer than 6 months answers 400 (code 2005);
//     statuses[], urgencies[], service_ids[], team_ids[], incident_key, sort_by
//     (created_at|incident_number[:asc|:desc]); GET /incidents/{id}; GET /incidents/{id}/log_entries;
//   - GET /log_entries: since/until select by created_at (same rules and limit), team_ids[],
//     is_overview (drops notify and annotate entries), include[]=incidents (the full incident object
//     in place of the reference); entries oldest first;
//   - GET /users, /teams, /services (team_ids[]), /escalation_policies, /priorities, /abilities.
//
// Incidents carry resolved_at only when resolved, updated_at (the last log entry), assignments,
// acknowledgements (since the last (re)assignment), teams, priority (null when none),
// incident_key, escalation_policy and service. Log entry types end in _log_entry.
package pdapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// MaxOffset is the pagination cap: a request with offset+limit above it answers 400.
const MaxOffset = 10000

// MaxRange is the longest since/until range /incidents and /log_entries accept.
const MaxRange = 6 // months

const htmlBase = "https://acme.pagerduty.com"

// entryRef locates one log entry of the organisation.
type entryRef struct {
	in *org.Incident
	i  int
}

func (e entryRef) at() time.Time { return e.in.Log[e.i].At }

type handler struct {
	o     *org.Org
	clock apicommon.Clock
	cfg   apicommon.Config
	// entries holds every log entry of the span, sorted by time then id.
	entries []entryRef
	pdUsers []*org.Person
	// The references to the organisation's users, teams, services and escalation policies, made
	// once: they do not change over the simulated time, and every incident and log entry repeats
	// several of them.
	userRefs    map[*org.Person]*ref
	teamRefs    map[*org.Team]*ref
	serviceRefs map[*org.Service]*ref
	policyRefs  map[*org.EscalationPolicy]*ref
}

// New returns the API handler. Request paths arrive with the mount prefix stripped.
func New(o *org.Org, clock apicommon.Clock, cfg apicommon.Config) http.Handler {
	h := &handler{o: o, clock: clock, cfg: cfg}
	n := 0
	for _, in := range o.Incidents {
		n += len(in.Log)
	}
	h.entries = make([]entryRef, 0, n)
	for _, in := range o.Incidents {
		for i := range in.Log {
			h.entries = append(h.entries, entryRef{in, i})
		}
	}
	sort.Slice(h.entries, func(a, b int) bool {
		ea, eb := h.entries[a], h.entries[b]
		if !ea.at().Equal(eb.at()) {
			return ea.at().Before(eb.at())
		}
		return ea.in.Log[ea.i].ID < eb.in.Log[eb.i].ID
	})
	// The ref methods build a reference while their map is still nil, so the maps are filled from them.
	users := map[*org.Person]*ref{}
	for _, p := range o.People {
		if p.PagerDuty != nil {
			h.pdUsers = append(h.pdUsers, p)
			users[p] = h.userRef(p)
		}
	}
	teams := map[*org.Team]*ref{}
	for _, t := range o.Teams {
		teams[t] = h.teamRef(t)
	}
	services := map[*org.Service]*ref{}
	for _, sv := range o.Services {
		services[sv] = h.serviceRef(sv)
	}
	policies := map[*org.EscalationPolicy]*ref{}
	for _, p := range o.Policies {
		policies[p] = h.policyRef(p)
	}
	h.userRefs, h.teamRefs, h.serviceRefs, h.policyRefs = users, teams, services, policies
	return h
}

// ---------------------------------------------------------------- errors

type apiErr struct {
	Message string   `json:"message"`
	Code    int      `json:"code"`
	Errors  []string `json:"errors,omitempty"`
}

func writeErr(w http.ResponseWriter, status, code int, msg string, details ...string) {
	apicommon.WriteJSON(w, status, map[string]apiErr{"error": {Message: msg, Code: code, Errors: details}})
}

func badInput(w http.ResponseWriter, details ...string) {
	writeErr(w, http.StatusBadRequest, 2001, "Invalid Input Provided", details...)
}

// ---------------------------------------------------------------- routing

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !apicommon.Equal(apicommon.PagerDutyToken(r), h.cfg.PagerDutyToken) {
		writeErr(w, http.StatusUnauthorized, 2006, "Unauthorized")
		return
	}
	if r.Method != http.MethodGet {
		writeErr(w, http.StatusMethodNotAllowed, 2001, "Method Not Allowed")
		return
	}
	now := h.clock.Now()
	q := r.URL.Query()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "abilities":
		apicommon.WriteJSON(w, http.StatusOK, map[string][]string{"abilities": {"teams", "read_only_users", "urgencies", "priorities"}})
	case len(parts) == 1 && parts[0] == "users":
		h.list(w, q, "users", len(h.pdUsers), func(i int) any { return h.user(h.pdUsers[i], now) })
	case len(parts) == 1 && parts[0] == "teams":
		h.list(w, q, "teams", len(h.o.Teams), func(i int) any { return h.team(h.o.Teams[i]) })
	case len(parts) == 1 && parts[0] == "services":
		svcs := h.o.Services
		if ids := multi(q, "team_ids"); len(ids) > 0 {
			svcs = nil
			for _, s := range h.o.Services {
				if slices.Contains(ids, s.Team.PagerDutyID) {
					svcs = append(svcs, s)
				}
			}
		}
		h.list(w, q, "services", len(svcs), func(i int) any { return h.service(svcs[i]) })
	case len(parts) == 1 && parts[0] == "escalation_policies":
		h.list(w, q, "escalation_policies", len(h.o.Policies), func(i int) any { return h.policy(h.o.Policies[i]) })
	case len(parts) == 1 && parts[0] == "priorities":
		h.list(w, q, "priorities", len(h.o.Priorities), func(i int) any { return priority(h.o.Priorities[i]) })
	case len(parts) == 1 && parts[0] == "incidents":
		h.incidents(w, q, now)
	case len(parts) == 2 && parts[0] == "incidents":
		in := h.o.Incident(parts[1])
		if in == nil || !in.VisibleAt(now) {
			writeErr(w, http.StatusNotFound, 2100, "Not Found")
			return
		}
		apicommon.WriteJSON(w, http.StatusOK, map[string]any{"incident": h.incident(in, now)})
	case len(parts) == 3 && parts[0] == "incidents" && parts[2] == "log_entries":
		in := h.o.Incident(parts[1])
		if in == nil || !in.VisibleAt(now) {
			writeErr(w, http.StatusNotFound, 2100, "Not Found")
			return
		}
		log := in.LogEntriesAt(now)
		withInc := slices.Contains(multi(q, "include"), "incidents")
		h.list(w, q, "log_entries", len(log), func(i int) any { return h.logEntry(in, i, now, withInc) })
	case len(parts) == 1 && parts[0] == "log_entries":
		h.logEntries(w, q, now)
	default:
		writeErr(w, http.StatusNotFound, 2100, "Not Found")
	}
}

// multi returns the values of key[] (or key) split at commas.
func multi(q url.Values, key string) []string {
	var out []string
	for _, k := range []string{key + "[]", key} {
		for _, v := range q[k] {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// pageParams parses offset, limit and total; ok is false when an error was written.
func pageParams(w http.ResponseWriter, q url.Values) (offset, limit int, total, ok bool) {
	limit = 25
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			badInput(w, "Limit must be a non-negative integer.")
			return 0, 0, false, false
		}
		limit = min(max(n, 1), 100)
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			badInput(w, "Offset must be a non-negative integer.")
			return 0, 0, false, false
		}
		offset = n
	}
	if offset+limit > MaxOffset {
		badInput(w, "Offset must be less than "+strconv.Itoa(MaxOffset-limit+1)+".")
		return 0, 0, false, false
	}
	return offset, limit, q.Get("total") == "true", true
}

type listPage struct {
	Limit  int  `json:"limit"`
	Offset int  `json:"offset"`
	More   bool `json:"more"`
	Total  *int `json:"total"`
}

// list writes one page of n items rendered by item.
func (h *handler) list(w http.ResponseWriter, q url.Values, key string, n int, item func(i int) any) {
	offset, limit, total, ok := pageParams(w, q)
	if !ok {
		return
	}
	end := min(offset+limit, n)
	items := make([]any, 0, max(end-offset, 0))
	for i := offset; i < end; i++ {
		items = append(items, item(i))
	}
	writePage(w, key, items, offset, limit, n, total)
}

// pageBufs holds the buffers pages are rendered into (a page is 100–250 KB).
var pageBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writePage(w http.ResponseWriter, key string, items any, offset, limit, n int, total bool) {
	lp := listPage{Limit: limit, Offset: offset, More: offset+limit < n}
	if total {
		lp.Total = &n
	}
	b, _ := json.Marshal(lp)
	// {"<key>":[...],"limit":..,"offset":..,"more":..,"total":..}
	body := pageBufs.Get().(*bytes.Buffer)
	defer pageBufs.Put(body)
	body.Reset()
	body.WriteString(`{"`)
	body.WriteString(key)
	body.WriteString(`":`)
	_ = json.NewEncoder(body).Encode(items)
	body.Truncate(body.Len() - 1) // Encode's newline
	body.WriteByte(',')
	body.Write(b[1:])
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(body.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body.Bytes())
}

// parseTime accepts RFC 3339 timestamps and dates.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// dateRange returns [since, until) from the query; all means no bounds. ok is false when an error
// was written.
func dateRange(w http.ResponseWriter, q url.Values, now time.Time) (since, until time.Time, all, ok bool) {
	if q.Get("date_range") == "all" {
		return time.Time{}, time.Time{}, true, true
	}
	until = now.Add(time.Second)
	if s := q.Get("until"); s != "" {
		t, good := parseTime(s)
		if !good {
			writeErr(w, http.StatusBadRequest, 2004, "Invalid 'since' or 'until' Parameter Values")
			return since, until, false, false
		}
		until = t
	}
	since = until.AddDate(0, -1, 0)
	if s := q.Get("since"); s != "" {
		t, good := parseTime(s)
		if !good {
			writeErr(w, http.StatusBadRequest, 2004, "Invalid 'since' or 'until' Parameter Values")
			return since, until, false, false
		}
		since = t
	}
	if until.Before(since) || since.AddDate(0, MaxRange, 0).Before(until) {
		writeErr(w, http.StatusBadRequest, 2005, "Invalid Query Date Range",
			"The date range must be at most "+strconv.Itoa(MaxRange)+" months and until must not precede since.")
		return since, until, false, false
	}
	return since, until, false, true
}

// ---------------------------------------------------------------- incidents

func (h *handler) incidents(w http.ResponseWriter, q url.Values, now time.Time) {
	since, until, all, ok := dateRange(w, q, now)
	if !ok {
		return
	}
	offset, limit, total, ok := pageParams(w, q)
	if !ok {
		return
	}
	vis := h.o.IncidentsUpTo(now)
	lo, hi := 0, len(vis)
	if !all {
		lo = sort.Search(len(vis), func(i int) bool { return !vis[i].CreatedAt.Before(since) })
		hi = sort.Search(len(vis), func(i int) bool { return !vis[i].CreatedAt.Before(until) })
		hi = max(hi, lo)
	}
	cand := vis[lo:hi]
	statuses, urg := multi(q, "statuses"), multi(q, "urgencies")
	svcs, teams, key := multi(q, "service_ids"), multi(q, "team_ids"), q.Get("incident_key")
	if len(statuses)+len(urg)+len(svcs)+len(teams) > 0 || key != "" {
		var keep []*org.Incident
		for _, in := range cand {
			if len(urg) > 0 && !slices.Contains(urg, in.Urgency) ||
				len(svcs) > 0 && !slices.Contains(svcs, in.Service.ID) ||
				key != "" && in.IncidentKey != key {
				continue
			}
			if len(teams) > 0 && !slices.ContainsFunc(in.Teams, func(t *org.Team) bool { return slices.Contains(teams, t.PagerDutyID) }) {
				continue
			}
			if len(statuses) > 0 && !slices.Contains(statuses, string(in.StateAt(now).Status)) {
				continue
			}
			keep = append(keep, in)
		}
		cand = keep
	}
	desc := false
	switch sb := q.Get("sort_by"); sb {
	case "", "created_at", "created_at:asc", "incident_number", "incident_number:asc":
	case "created_at:desc", "incident_number:desc":
		desc = true
	default:
		badInput(w, "sort_by must be created_at or incident_number, optionally with :asc or :desc.")
		return
	}
	n := len(cand)
	end := min(offset+limit, n)
	items := make([]*incidentJSON, 0, max(end-offset, 0))
	for i := offset; i < end; i++ {
		j := i
		if desc {
			j = n - 1 - i
		}
		items = append(items, h.incident(cand[j], now))
	}
	writePage(w, "incidents", items, offset, limit, n, total)
}

func (h *handler) logEntries(w http.ResponseWriter, q url.Values, now time.Time) {
	since, until, all, ok := dateRange(w, q, now)
	if !ok {
		return
	}
	offset, limit, total, ok := pageParams(w, q)
	if !ok {
		return
	}
	visEnd := sort.Search(len(h.entries), func(i int) bool { return h.entries[i].at().After(now) })
	lo, hi := 0, visEnd
	if !all {
		lo = sort.Search(visEnd, func(i int) bool { return !h.entries[i].at().Before(since) })
		hi = sort.Search(visEnd, func(i int) bool { return !h.entries[i].at().Before(until) })
		hi = max(hi, lo)
	}
	cand := h.entries[lo:hi]
	teams := multi(q, "team_ids")
	overview := q.Get("is_overview") == "true"
	if len(teams) > 0 || overview {
		var keep []entryRef
		for _, e := range cand {
			if len(teams) > 0 && !slices.ContainsFunc(e.in.Teams, func(t *org.Team) bool { return slices.Contains(teams, t.PagerDutyID) }) {
				continue
			}
			if overview {
				if ty := e.in.Log[e.i].Type; ty == org.LogNotify || ty == org.LogAnnotate {
					continue
				}
			}
			keep = append(keep, e)
		}
		cand = keep
	}
	withInc := slices.Contains(multi(q, "include"), "incidents")
	n := len(cand)
	end := min(offset+limit, n)
	items := make([]*logEntryJSON, 0, max(end-offset, 0))
	for i := offset; i < end; i++ {
		items = append(items, h.logEntry(cand[i].in, cand[i].i, now, withInc))
	}
	writePage(w, "log_entries", items, offset, limit, n, total)
}

// ---------------------------------------------------------------- rendering

type ref struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
	Self    string `json:"self"`
	HTMLURL string `json:"html_url"`
}

func (h *handler) ref(kind, path, id, summary string) *ref {
	return &ref{ID: id, Type: kind, Summary: summary, Self: h.cfg.BaseURL + "/" + path + "/" + id, HTMLURL: htmlBase + "/" + path + "/" + id}
}

// The references below are made once in New and shared between responses: callers must not modify
// them. One not made in New (none should be) is built on each call.

func (h *handler) userRef(p *org.Person) *ref {
	if r, ok := h.userRefs[p]; ok {
		return r
	}
	return h.ref("user_reference", "users", p.PagerDuty.ID, p.PagerDuty.Name)
}
func (h *handler) teamRef(t *org.Team) *ref {
	if r, ok := h.teamRefs[t]; ok {
		return r
	}
	return h.ref("team_reference", "teams", t.PagerDutyID, t.Name)
}
func (h *handler) serviceRef(s *org.Service) *ref {
	if r, ok := h.serviceRefs[s]; ok {
		return r
	}
	return h.ref("service_reference", "services", s.ID, s.Name)
}
func (h *handler) policyRef(p *org.EscalationPolicy) *ref {
	if r, ok := h.policyRefs[p]; ok {
		return r
	}
	return h.ref("escalation_policy_reference", "escalation_policies", p.ID, p.Name)
}

type userJSON struct {
	ref
	Name              string `json:"name"`
	Email             string `json:"email"`
	TimeZone          string `json:"time_zone"`
	Color             string `json:"color"`
	Role              string `json:"role"`
	AvatarURL         string `json:"avatar_url"`
	Description       any    `json:"description"`
	InvitationSent    bool   `json:"invitation_sent"`
	JobTitle          any    `json:"job_title"`
	Teams             []*ref `json:"teams"`
	ContactMethods    []*ref `json:"contact_methods"`
	NotificationRules []*ref `json:"notification_rules"`
}

func (h *handler) user(p *org.Person, now time.Time) *userJSON {
	id := p.PagerDuty
	u := &userJSON{ref: *h.ref("user", "users", id.ID, id.Name), Name: id.Name, Email: id.Email, TimeZone: id.TimeZone,
		Color: "purple", Role: id.Role, AvatarURL: "https://secure.gravatar.com/avatar/" + strings.ToLower(id.ID) + ".png?d=mm&r=PG",
		Teams: []*ref{}, ContactMethods: []*ref{}, NotificationRules: []*ref{}}
	if t := h.o.TeamOf(p, now); t != nil {
		u.Teams = append(u.Teams, h.teamRef(t))
	}
	return u
}

type teamJSON struct {
	ref
	Name        string `json:"name"`
	Description string `json:"description"`
	Parent      any    `json:"parent"`
}

func (h *handler) team(t *org.Team) *teamJSON {
	return &teamJSON{ref: *h.ref("team", "teams", t.PagerDutyID, t.Name), Name: t.Name, Description: t.Name + " engineering team"}
}

type serviceJSON struct {
	ref
	Name                   string            `json:"name"`
	Description            string            `json:"description"`
	Status                 string            `json:"status"`
	CreatedAt              string            `json:"created_at"`
	EscalationPolicy       *ref              `json:"escalation_policy"`
	Teams                  []*ref            `json:"teams"`
	IncidentUrgencyRule    map[string]string `json:"incident_urgency_rule"`
	AcknowledgementTimeout any               `json:"acknowledgement_timeout"`
	AutoResolveTimeout     any               `json:"auto_resolve_timeout"`
	AlertCreation          string            `json:"alert_creation"`
}

func (h *handler) service(s *org.Service) *serviceJSON {
	return &serviceJSON{ref: *h.ref("service", "services", s.ID, s.Name), Name: s.Name, Description: s.Description,
		Status: "active", CreatedAt: apicommon.Time(s.CreatedAt), EscalationPolicy: h.policyRef(s.Policy),
		Teams: []*ref{h.teamRef(s.Team)}, IncidentUrgencyRule: map[string]string{"type": "constant", "urgency": "high"},
		AlertCreation: "create_alerts_and_incidents"}
}

type ruleJSON struct {
	ID       string `json:"id"`
	DelayMin int    `json:"escalation_delay_in_minutes"`
	Targets  []*ref `json:"targets"`
}

type policyJSON struct {
	ref
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	NumLoops        int         `json:"num_loops"`
	OnCallHandoff   string      `json:"on_call_handoff_notifications"`
	EscalationRules []*ruleJSON `json:"escalation_rules"`
	Services        []*ref      `json:"services"`
	Teams           []*ref      `json:"teams"`
}

func (h *handler) policy(p *org.EscalationPolicy) *policyJSON {
	pj := &policyJSON{ref: *h.ref("escalation_policy", "escalation_policies", p.ID, p.Name), Name: p.Name,
		Description: "Escalation policy of " + p.Team.Name, OnCallHandoff: "if_has_services",
		EscalationRules: []*ruleJSON{}, Services: []*ref{}, Teams: []*ref{h.teamRef(p.Team)}}
	for i, l := range p.Levels {
		r := &ruleJSON{ID: p.ID + "R" + strconv.Itoa(i+1), DelayMin: l.DelayMinutes, Targets: []*ref{}}
		for _, t := range l.Targets {
			r.Targets = append(r.Targets, h.userRef(t))
		}
		pj.EscalationRules = append(pj.EscalationRules, r)
	}
	for _, s := range h.o.Services {
		if s.Policy == p {
			pj.Services = append(pj.Services, h.serviceRef(s))
		}
	}
	return pj
}

type priorityJSON struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Summary     string `json:"summary"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Order       int    `json:"order"`
}

func priority(p *org.Priority) *priorityJSON {
	return &priorityJSON{ID: p.ID, Type: "priority", Summary: p.Name, Name: p.Name, Description: p.Name, Order: p.Order}
}

type atRef struct {
	At           string `json:"at"`
	Assignee     *ref   `json:"assignee,omitempty"`
	Acknowledger *ref   `json:"acknowledger,omitempty"`
}

type incidentJSON struct {
	ref
	IncidentNumber     int           `json:"incident_number"`
	Title              string        `json:"title"`
	Description        string        `json:"description"`
	CreatedAt          string        `json:"created_at"`
	UpdatedAt          string        `json:"updated_at"`
	Status             string        `json:"status"`
	IncidentKey        string        `json:"incident_key"`
	Service            *ref          `json:"service"`
	Assignments        []atRef       `json:"assignments"`
	AssignedVia        string        `json:"assigned_via"`
	LastStatusChangeAt string        `json:"last_status_change_at"`
	ResolvedAt         string        `json:"resolved_at,omitempty"`
	LastStatusChangeBy *ref          `json:"last_status_change_by"`
	FirstTriggerLog    *ref          `json:"first_trigger_log_entry"`
	AlertCounts        alertCounts   `json:"alert_counts"`
	IsMergeable        bool          `json:"is_mergeable"`
	EscalationPolicy   *ref          `json:"escalation_policy"`
	Teams              []*ref        `json:"teams"`
	PendingActions     []any         `json:"pending_actions"`
	Acknowledgements   []atRef       `json:"acknowledgements"`
	AlertGrouping      any           `json:"alert_grouping"`
	Urgency            string        `json:"urgency"`
	Priority           *priorityJSON `json:"priority"`
	ResolveReason      any           `json:"resolve_reason"`
	Body               incidentBody  `json:"body"`
}

// alertCounts and incidentBody list their members in the order encoding/json gives a map's keys.
type alertCounts struct {
	All       int `json:"all"`
	Resolved  int `json:"resolved"`
	Triggered int `json:"triggered"`
}

type incidentBody struct {
	Details string `json:"details"`
	Type    string `json:"type"`
}

// incident renders in as of now by replaying its visible log.
func (h *handler) incident(in *org.Incident, now time.Time) *incidentJSON {
	log := in.LogEntriesAt(now)
	j := &incidentJSON{ref: *h.ref("incident", "incidents", in.ID, "["+strconv.Itoa(in.Number)+"] "+in.Title),
		IncidentNumber: in.Number, Title: in.Title, Description: in.Title, CreatedAt: apicommon.Time(in.CreatedAt),
		UpdatedAt: apicommon.Time(in.CreatedAt), Status: string(org.StatusTriggered), IncidentKey: in.IncidentKey,
		Service: h.serviceRef(in.Service), Assignments: []atRef{}, AssignedVia: "escalation_policy",
		LastStatusChangeAt: apicommon.Time(in.CreatedAt), AlertCounts: alertCounts{All: 1, Triggered: 1},
		IsMergeable: true, EscalationPolicy: h.policyRef(in.Service.Policy), Teams: []*ref{}, PendingActions: []any{},
		Acknowledgements: []atRef{}, Urgency: in.Urgency, Body: incidentBody{Details: in.Title, Type: "incident_body"}}
	j.LastStatusChangeBy = h.serviceRef(in.Service)
	for _, t := range in.Teams {
		j.Teams = append(j.Teams, h.teamRef(t))
	}
	if in.Priority != nil {
		j.Priority = priority(in.Priority)
	}
	agent := func(p *org.Person) *ref {
		if p == nil || p.PagerDuty == nil {
			return h.serviceRef(in.Service)
		}
		return h.userRef(p)
	}
	for i := range log {
		e := &log[i]
		at := apicommon.Time(e.At)
		j.UpdatedAt = at
		switch e.Type {
		case org.LogTrigger, org.LogEscalate, org.LogAssign:
			if e.Type == org.LogTrigger && j.FirstTriggerLog == nil {
				j.FirstTriggerLog = h.ref("trigger_log_entry_reference", "log_entries", e.ID, "Triggered through the API.")
			}
			j.Status = string(org.StatusTriggered)
			j.Assignments = j.Assignments[:0:0]
			for _, p := range e.Assignees {
				j.Assignments = append(j.Assignments, atRef{At: at, Assignee: h.userRef(p)})
			}
			j.Acknowledgements = []atRef{}
			j.LastStatusChangeAt, j.LastStatusChangeBy = at, agent(e.Agent)
		case org.LogAcknowledge:
			j.Status = string(org.StatusAcknowledged)
			if e.Agent != nil && e.Agent.PagerDuty != nil {
				j.Acknowledgements = append(j.Acknowledgements, atRef{At: at, Acknowledger: h.userRef(e.Agent)})
			}
			j.LastStatusChangeAt, j.LastStatusChangeBy = at, agent(e.Agent)
		case org.LogResolve:
			j.Status = string(org.StatusResolved)
			j.Assignments, j.Acknowledgements = []atRef{}, []atRef{}
			j.ResolvedAt = at
			j.LastStatusChangeAt, j.LastStatusChangeBy = at, agent(e.Agent)
			j.AlertCounts = alertCounts{All: 1, Resolved: 1}
			j.ResolveReason = nil
		}
	}
	return j
}

type logEntryJSON struct {
	ref
	CreatedAt              string        `json:"created_at"`
	Agent                  *ref          `json:"agent"`
	Channel                *channelJSON  `json:"channel"`
	Service                *ref          `json:"service"`
	Incident               any           `json:"incident"`
	Teams                  []*ref        `json:"teams"`
	Contexts               []any         `json:"contexts"`
	EventDetails           *eventDetails `json:"event_details,omitempty"`
	Assignees              []*ref        `json:"assignees,omitempty"`
	User                   *ref          `json:"user,omitempty"`
	AcknowledgementTimeout *int          `json:"acknowledgement_timeout,omitempty"`
	Note                   string        `json:"note,omitempty"`
}

// channelJSON, notificationJSON and eventDetails list their members in the order encoding/json
// gives a map's keys.
type channelJSON struct {
	Notification *notificationJSON `json:"notification,omitempty"`
	Summary      *string           `json:"summary,omitempty"`
	Type         string            `json:"type"`
}

type notificationJSON struct {
	Status string `json:"status"`
	Type   string `json:"type"`
}

type eventDetails struct {
	Description string `json:"description"`
}

func (h *handler) logEntry(in *org.Incident, i int, now time.Time, withIncident bool) *logEntryJSON {
	e := &in.Log[i]
	j := &logEntryJSON{ref: *h.ref(string(e.Type), "log_entries", e.ID, ""), CreatedAt: apicommon.Time(e.At),
		Channel: &channelJSON{Type: e.Channel}, Service: h.serviceRef(in.Service), Teams: []*ref{}, Contexts: []any{}}
	for _, t := range in.Teams {
		j.Teams = append(j.Teams, h.teamRef(t))
	}
	if withIncident {
		j.Incident = h.incident(in, now)
	} else {
		j.Incident = h.ref("incident_reference", "incidents", in.ID, "["+strconv.Itoa(in.Number)+"] "+in.Title)
	}
	if e.Agent != nil && e.Agent.PagerDuty != nil {
		j.Agent = h.userRef(e.Agent)
	} else {
		j.Agent = h.serviceRef(in.Service)
	}
	names := func(ps []*org.Person) string {
		s := make([]string, 0, len(ps))
		for _, p := range ps {
			s = append(s, p.PagerDuty.Name)
		}
		return strings.Join(s, ", ")
	}
	for _, p := range e.Assignees {
		if e.Type != org.LogNotify {
			j.Assignees = append(j.Assignees, h.userRef(p))
		}
	}
	switch e.Type {
	case org.LogTrigger:
		j.Summary = "Triggered through the API."
		j.EventDetails = &eventDetails{Description: in.Title}
	case org.LogAcknowledge:
		j.Summary = "Acknowledged by " + j.Agent.Summary + "."
		t := 1800
		j.AcknowledgementTimeout = &t
	case org.LogEscalate:
		j.Summary = "Escalated to " + names(e.Assignees) + " (level " + strconv.Itoa(e.Level) + ")."
	case org.LogAssign:
		j.Summary = "Reassigned to " + names(e.Assignees) + " by " + j.Agent.Summary + "."
	case org.LogResolve:
		j.Summary = "Resolved by " + j.Agent.Summary + "."
	case org.LogNotify:
		if len(e.Assignees) > 0 {
			j.User = h.userRef(e.Assignees[0])
			j.Summary = "Notified " + e.Assignees[0].PagerDuty.Name + " by " + e.Channel + "."
			j.Channel.Notification = &notificationJSON{Status: "success", Type: e.Channel + "_notification"}
		}
	case org.LogAnnotate:
		j.Summary = "Note added."
		j.Channel = &channelJSON{Summary: &e.Note, Type: "note"}
		j.Note = e.Note
	default:
		j.Summary = strings.TrimSuffix(string(e.Type), "_log_entry")
	}
	return j
}
