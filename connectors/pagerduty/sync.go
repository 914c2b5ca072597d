package pagerduty

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
)

// Collection limits of the PagerDuty API and the connector's slicing of time.
const (
	pageLimit = 100   // the API's largest page
	maxOffset = 10000 // offset+limit above this answers 400
	minBatch  = 5000  // raw records per commit, at least, until the stream ends (the store's bulk path starts here)
	maxBatch  = 20000 // raw records per commit, at most (pages queued while the store was busy are grouped)
	// queued is how many fetched pages may wait for the committer (≈ 200 KB each at most). A commit
	// that sets off one of DuckDB's automatic checkpoints takes about 3 s, during which the fetching
	// at concurrency 4 and 20 ms brings ≈ 600 pages; with room for only 256 the fetching stalled
	// behind each checkpoint (BENCHMARKS.md: 1.57× against 1.41–1.47× of the bound).
	queued    = 1024
	splitSize = 8000 // a window holding more than maxOffset records is split into parts of about this many
	lookupMax = 1000 // ids per stored-incident lookup
)

// windowSize is the length of the time windows /incidents and /log_entries are listed in; it stays
// well inside the API's since/until range limit (about 6 months).
var windowSize = 30 * 24 * time.Hour

// ErrWindowTooDense reports more than 10,000 records created within one second, which offset
// pagination cannot list.
var ErrWindowTooDense = errors.New("pagerduty: more than 10,000 records in one second cannot be paginated")

// run is the state of one Sync.
type run struct {
	c     *Connector
	sink  connectors.Sink
	opts  connectors.SyncOptions
	now   time.Time // the sync's now: windows end here
	since time.Time // configured start

	services  map[string]bool
	urgencies map[string]bool
	teams     map[string]bool

	mu      sync.Mutex
	fresh   map[string]time.Time // incident id -> updated_at of its committed payload
	dropped map[string]bool      // incident ids outside the configured scope
	seen    map[string]map[string]bool
	counts  map[string]*connectors.Counts
	started map[string]time.Time
}

func set(ss []string) map[string]bool {
	if len(ss) == 0 {
		return nil
	}
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// Sync implements connectors.Connector. See the package documentation for the order of work and
// the incremental rule.
func (c *Connector) Sync(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions) error {
	r := &run{c: c, sink: sink, opts: opts, now: c.now().UTC().Truncate(time.Second), since: c.cfg.Since.UTC(),
		services: set(c.cfg.Services), urgencies: set(c.cfg.Urgencies), teams: set(c.cfg.Teams),
		fresh: map[string]time.Time{}, dropped: map[string]bool{}, seen: map[string]map[string]bool{},
		counts: map[string]*connectors.Counts{}, started: map[string]time.Time{}}
	err := r.reference(ctx)
	if now, ok := c.transport.SourceNow(); ok {
		// The windows and cursors below end at PagerDuty's own now (its Date header), not this
		// machine's: a clock ahead would save cursors past incidents not yet created, one behind
		// would leave out the newest.
		r.now = now.UTC().Truncate(time.Second)
	}
	if err == nil {
		err = r.incidents(ctx)
	}
	if err == nil {
		err = r.logEntries(ctx)
	}
	if err == nil && opts.Full {
		err = r.markDeleted(ctx)
	}
	r.summary(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func (r *run) begin(entity string) {
	r.mu.Lock()
	if _, ok := r.started[entity]; !ok {
		r.started[entity] = time.Now()
	}
	r.mu.Unlock()
}

// commit writes one batch and accounts for it.
func (r *run) commit(ctx context.Context, b connectors.Batch) error {
	r.begin(b.Entity)
	n, err := r.sink.Commit(ctx, b)
	if err != nil {
		return fmt.Errorf("pagerduty: commit %s: %w", b.Entity, err)
	}
	r.mu.Lock()
	t := r.counts[b.Entity]
	if t == nil {
		t = &connectors.Counts{}
		r.counts[b.Entity] = t
	}
	t.Fetched += n.Fetched
	t.New += n.New
	t.Updated += n.Updated
	t.Unchanged += n.Unchanged
	t.Deleted += n.Deleted
	if r.opts.Full {
		s := r.seen[b.Entity]
		if s == nil {
			s = map[string]bool{}
			r.seen[b.Entity] = s
		}
		for _, raw := range b.Raw {
			s[raw.NativeID] = true
		}
	}
	if b.Entity == EntityIncident {
		for _, raw := range b.Raw {
			r.fresh[raw.NativeID] = raw.UpdatedAt
		}
	}
	r.mu.Unlock()
	if r.opts.Progress != nil && len(b.Raw) > 0 {
		r.opts.Progress(b.Entity, len(b.Raw))
	}
	return nil
}

func (r *run) summary(ctx context.Context) {
	names := make([]string, 0, len(r.started))
	for e := range r.started {
		names = append(names, e)
	}
	sort.Strings(names)
	for _, e := range names {
		c := r.counts[e]
		if c == nil {
			c = &connectors.Counts{}
		}
		st := r.c.transport.Stats(e)
		r.c.log.LogAttrs(ctx, slog.LevelInfo, "sync summary", slog.String("source", Source), slog.String("entity", e),
			slog.Int("fetched", c.Fetched), slog.Int("new", c.New), slog.Int("updated", c.Updated), slog.Int("deleted", c.Deleted),
			slog.Int64("requests", st.Requests.Load()), slog.Int64("retries", st.Retries.Load()),
			slog.Duration("duration", time.Since(r.started[e]).Round(time.Millisecond)))
	}
}

// page is one page of a classic-paginated list.
type page struct {
	Users              []json.RawMessage `json:"users"`
	Teams              []json.RawMessage `json:"teams"`
	Services           []json.RawMessage `json:"services"`
	EscalationPolicies []json.RawMessage `json:"escalation_policies"`
	Incidents          []json.RawMessage `json:"incidents"`
	LogEntries         []json.RawMessage `json:"log_entries"`
	More               bool              `json:"more"`
	Total              *int              `json:"total"`
}

// setItems puts items under key.
func (p *page) setItems(key string, items []json.RawMessage) {
	switch key {
	case "users":
		p.Users = items
	case "teams":
		p.Teams = items
	case "services":
		p.Services = items
	case "escalation_policies":
		p.EscalationPolicies = items
	case "incidents":
		p.Incidents = items
	default:
		p.LogEntries = items
	}
}

func (p *page) items(key string) []json.RawMessage {
	switch key {
	case "users":
		return p.Users
	case "teams":
		return p.Teams
	case "services":
		return p.Services
	case "escalation_policies":
		return p.EscalationPolicies
	case "incidents":
		return p.Incidents
	default:
		return p.LogEntries
	}
}

func (r *run) raw(entity, id string, payload []byte, updated time.Time) models.RawRecord {
	return models.RawRecord{Source: Source, Entity: entity, NativeID: id, Payload: payload, UpdatedAt: updated, FetchedAt: r.c.now().UTC()}
}

// ---------------------------------------------------------------- reference data

// reference lists users, teams, services and escalation policies in full (they are few and have no
// "changed since" filter), one batch per entity.
func (r *run) reference(ctx context.Context) error {
	type ref struct{ entity, path, key string }
	refs := []ref{{EntityUser, "/users", "users"}, {EntityTeam, "/teams", "teams"},
		{EntityService, "/services", "services"}, {EntityEscalationPolicy, "/escalation_policies", "escalation_policies"}}
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	for i, f := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.listAll(ctx, f.entity, f.path, f.key)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// A rejected token fails every list at once: report it once, not once per entity.
	for _, err := range errs {
		var ae *connectors.AuthError
		if errors.As(err, &ae) {
			return err
		}
	}
	return errors.Join(errs...)
}

func (r *run) listAll(ctx context.Context, entity, path, key string) error {
	r.begin(entity)
	var b connectors.Batch
	b.Entity = entity
	for off := 0; ; off += pageLimit {
		var p page
		q := url.Values{"limit": {strconv.Itoa(pageLimit)}, "offset": {strconv.Itoa(off)}}
		if err := r.c.get(ctx, entity, path, q, &p); err != nil {
			return err
		}
		for _, item := range p.items(key) {
			var u userPayload
			if err := json.Unmarshal(item, &u); err != nil {
				return fmt.Errorf("pagerduty: decode %s: %w", entity, err)
			}
			b.Raw = append(b.Raw, r.raw(entity, u.ID, item, time.Time{}))
			if entity == EntityUser {
				b.Rows = append(b.Rows, userRow(&u))
			}
		}
		if !p.More {
			break
		}
		if off+2*pageLimit > maxOffset {
			return fmt.Errorf("pagerduty: more than %d %s: %w", maxOffset, key, ErrWindowTooDense)
		}
	}
	return r.commit(ctx, b)
}

// ---------------------------------------------------------------- windowed streams

// stream is one time-windowed listing (/incidents by created_at, /log_entries by created_at).
type stream struct {
	entity, path, key string
	filter            url.Values
	since, until      time.Time
	handle            func(ctx context.Context, items []json.RawMessage) (*result, error)

	// Owned by the committer.
	covered [][2]time.Time
	cursor  time.Time
}

// window is one since/until slice of a stream.
type window struct {
	since, until time.Time
	spawned      atomic.Int64 // pages requested (or about to be)
	next         atomic.Int64 // offset of the first page not yet requested
	committed    int64        // committer only
	sawEnd       bool         // committer only
}

// result is one fetched page, mapped.
type result struct {
	win        *window
	more       bool
	raws       []models.RawRecord
	rows       []models.Row
	incRaws    []models.RawRecord // incidents re-fetched for log entries (committed first)
	incRows    []models.Row
	logEntries int
}

// coverEnd returns how far [from, t) is covered by completed windows.
func (s *stream) coverEnd(from time.Time) time.Time {
	cur := from
	sort.Slice(s.covered, func(i, j int) bool { return s.covered[i][0].Before(s.covered[j][0]) })
	for _, iv := range s.covered {
		if iv[0].After(cur) {
			break
		}
		if iv[1].After(cur) {
			cur = iv[1]
		}
	}
	return cur
}

// runStream lists every window of s with up to 2×concurrency pages in flight (the transport bounds
// requests), fanning out the pages of a window once its first page tells the total, and commits
// pages as they arrive, grouping those that queue up. The stream's cursor advances to the end of
// the contiguous run of completed windows from s.since, in the batch that completes them.
func (r *run) runStream(ctx context.Context, s *stream) error {
	r.begin(s.entity)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	results := make(chan *result, queued)
	slots := make(chan struct{}, 2*r.c.transport.Concurrency())
	var wg sync.WaitGroup
	var spawn func(f func(context.Context) error)
	spawn = func(f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			err := f(ctx)
			<-slots
			if err != nil {
				cancel(err)
			}
		}()
	}
	send := func(ctx context.Context, res *result) error {
		select {
		case results <- res:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	var pageAt func(w *window, offset int) func(context.Context) error
	// process schedules the window's next page, decodes the page's items and hands the result to
	// the committer.
	process := func(ctx context.Context, w *window, offset int, p *page) error {
		if p.More && int64(offset+pageLimit) == w.next.Load() {
			next := offset + pageLimit
			if next+pageLimit > maxOffset {
				return fmt.Errorf("pagerduty: %s %s..%s grew past the offset cap: %w", s.key, w.since.Format(time.RFC3339), w.until.Format(time.RFC3339), ErrWindowTooDense)
			}
			if w.next.CompareAndSwap(int64(next), int64(next+pageLimit)) {
				w.spawned.Add(1)
				spawn(pageAt(w, next))
			}
		}
		res, err := s.handle(ctx, p.items(s.key))
		if err != nil {
			return err
		}
		res.win, res.more = w, p.More
		return send(ctx, res)
	}
	// fetchPage gets one page and cuts it into items.
	fetchPage := func(ctx context.Context, q url.Values, p *page) error {
		body, err := r.c.fetch(ctx, s.entity, s.path, q)
		if err != nil {
			return err
		}
		return decodePage(s.path, body, s.key, p)
	}
	query := func(w *window, offset int, total bool) url.Values {
		q := url.Values{}
		for k, v := range s.filter {
			q[k] = v
		}
		q.Set("since", w.since.Format(time.RFC3339))
		q.Set("until", w.until.Format(time.RFC3339))
		q.Set("limit", strconv.Itoa(pageLimit))
		q.Set("offset", strconv.Itoa(offset))
		if total {
			q.Set("total", "true")
		}
		return q
	}
	pageAt = func(w *window, offset int) func(context.Context) error {
		return func(ctx context.Context) error {
			var p page
			if err := fetchPage(ctx, query(w, offset, false), &p); err != nil {
				return err
			}
			return process(ctx, w, offset, &p)
		}
	}
	var first func(w *window) func(context.Context) error
	first = func(w *window) func(context.Context) error {
		return func(ctx context.Context) error {
			var p page
			if err := fetchPage(ctx, query(w, 0, true), &p); err != nil {
				return err
			}
			if p.Total != nil && *p.Total > maxOffset {
				parts := (*p.Total + splitSize - 1) / splitSize
				step := (w.until.Sub(w.since) / time.Duration(parts)).Truncate(time.Second)
				if step < time.Second {
					return fmt.Errorf("pagerduty: %s at %s: %w", s.key, w.since.Format(time.RFC3339), ErrWindowTooDense)
				}
				for t := w.since; t.Before(w.until); t = t.Add(step) {
					end := t.Add(step)
					if end.After(w.until) || w.until.Sub(end) < time.Second {
						end = w.until
					}
					sub := &window{since: t, until: end}
					spawn(first(sub))
					if end.Equal(w.until) {
						break
					}
				}
				return nil
			}
			n := 1
			if p.Total != nil && *p.Total > pageLimit {
				n = (*p.Total + pageLimit - 1) / pageLimit
			}
			w.spawned.Store(int64(n))
			w.next.Store(int64(n * pageLimit))
			for k := 1; k < n; k++ {
				spawn(pageAt(w, k*pageLimit))
			}
			return process(ctx, w, 0, &p)
		}
	}
	for t := s.since; t.Before(s.until); t = t.Add(windowSize) {
		end := t.Add(windowSize)
		if end.After(s.until) {
			end = s.until
		}
		spawn(first(&window{since: t, until: end}))
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	// The committer takes pages in groups of at least minBatch records (fewer only at the end of the
	// stream), plus whatever queued up while the previous group was committing, up to maxBatch.
	var commitErr error
	for res := range results {
		if commitErr != nil || ctx.Err() != nil {
			continue // drain
		}
		group := []*result{res}
		n := len(res.raws)
		for open := true; open && n < minBatch; {
			var more *result
			if more, open = <-results; open {
				group, n = append(group, more), n+len(more.raws)
			}
		}
	drain:
		for n < maxBatch {
			select {
			case more, ok := <-results:
				if !ok {
					break drain
				}
				group = append(group, more)
				n += len(more.raws)
			default:
				break drain
			}
		}
		if err := r.commitGroup(ctx, s, group); err != nil {
			commitErr = err
			cancel(err)
		}
	}
	if commitErr != nil {
		return commitErr
	}
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// commitGroup commits the incidents re-fetched for a group of pages, then the pages themselves
// with the stream's cursor advanced over the windows they complete.
func (r *run) commitGroup(ctx context.Context, s *stream, group []*result) error {
	var inc connectors.Batch
	inc.Entity = EntityIncident
	main := connectors.Batch{Entity: s.entity}
	for _, g := range group {
		inc.Raw = append(inc.Raw, g.incRaws...)
		inc.Rows = append(inc.Rows, g.incRows...)
		main.Raw = append(main.Raw, g.raws...)
		main.Rows = append(main.Rows, g.rows...)
		w := g.win
		w.committed++
		if !g.more {
			w.sawEnd = true
		}
		if w.sawEnd && w.committed == w.spawned.Load() {
			s.covered = append(s.covered, [2]time.Time{w.since, w.until})
		}
	}
	if len(inc.Raw) > 0 {
		if err := r.commit(ctx, inc); err != nil {
			return err
		}
	}
	end := s.coverEnd(s.since)
	if end.After(r.now) {
		end = r.now
	}
	if end.After(s.cursor) && end.After(s.since) {
		s.cursor = end
		main.Cursors = []connectors.Cursor{{CursorKey: connectors.CursorKey{Source: Source, Entity: s.entity},
			Since: end, ConfigHash: r.opts.ConfigHash}}
	}
	if len(main.Raw) == 0 && len(main.Cursors) == 0 {
		return nil
	}
	return r.commit(ctx, main)
}

// ---------------------------------------------------------------- incidents

func (r *run) scopeFilter(withServices, withUrgencies bool) url.Values {
	q := url.Values{}
	if len(r.c.cfg.Teams) > 0 {
		q["team_ids[]"] = r.c.cfg.Teams
	}
	if withServices && len(r.c.cfg.Services) > 0 {
		q["service_ids[]"] = r.c.cfg.Services
	}
	if withUrgencies && len(r.c.cfg.Urgencies) > 0 {
		q["urgencies[]"] = r.c.cfg.Urgencies
	}
	return q
}

// incidents lists incidents created since the incident cursor (minus the overlap) in windows.
func (r *run) incidents(ctx context.Context) error {
	key := connectors.CursorKey{Source: Source, Entity: EntityIncident}
	since, _, err := connectors.Since(ctx, r.sink, key, r.opts, r.since)
	if err != nil {
		return err
	}
	s := &stream{entity: EntityIncident, path: "/incidents", key: "incidents", filter: r.scopeFilter(true, true),
		since: since, until: r.now.Add(time.Second)}
	s.handle = func(ctx context.Context, items []json.RawMessage) (*result, error) {
		res := &result{}
		for _, item := range items {
			var p incidentPayload
			if err := json.Unmarshal(item, &p); err != nil {
				return nil, fmt.Errorf("pagerduty: decode incident: %w", err)
			}
			if !r.inScope(&p) {
				continue
			}
			res.raws = append(res.raws, r.raw(EntityIncident, p.ID, item, p.updated()))
			res.rows = append(res.rows, incidentRow(&p, time.Time{}))
		}
		return res, nil
	}
	return r.runStream(ctx, s)
}

// inScope applies the configured since, services, urgencies and teams to an incident.
func (r *run) inScope(p *incidentPayload) bool {
	if parseTime(p.CreatedAt).Before(r.since) {
		return false
	}
	if r.services != nil && !r.services[p.Service.ID] || r.urgencies != nil && !r.urgencies[p.Urgency] {
		return false
	}
	if r.teams != nil && !slices.ContainsFunc(p.Teams, func(t pd.APIObject) bool { return r.teams[t.ID] }) {
		return false
	}
	return true
}

// ---------------------------------------------------------------- log entries

// logEntries lists log entries created since the log entry cursor (minus the overlap) in windows,
// and re-fetches (GET /incidents/{id}) every incident whose stored payload is older than one of
// its new entries, committing it before the entries.
func (r *run) logEntries(ctx context.Context) error {
	key := connectors.CursorKey{Source: Source, Entity: EntityLogEntry}
	since, _, err := connectors.Since(ctx, r.sink, key, r.opts, r.since)
	if err != nil {
		return err
	}
	s := &stream{entity: EntityLogEntry, path: "/log_entries", key: "log_entries", filter: r.scopeFilter(false, false),
		since: since, until: r.now.Add(time.Second)}
	s.handle = r.handleLogEntries
	return r.runStream(ctx, s)
}

func (r *run) handleLogEntries(ctx context.Context, items []json.RawMessage) (*result, error) {
	type entry struct {
		p   logEntryPayload
		raw json.RawMessage
		at  time.Time
	}
	entries := make([]entry, 0, len(items))
	for _, item := range items {
		var e entry
		if err := json.Unmarshal(item, &e.p); err != nil {
			return nil, fmt.Errorf("pagerduty: decode log entry: %w", err)
		}
		if r.services != nil && !r.services[e.p.Service.ID] {
			continue
		}
		e.raw, e.at = item, parseTime(e.p.CreatedAt)
		entries = append(entries, e)
	}
	// Which incidents must be (re)fetched: not known fresh in this run or in the database.
	need := map[string]time.Time{}
	r.mu.Lock()
	for _, e := range entries {
		id := e.p.Incident.ID
		if r.dropped[id] {
			continue
		}
		if u, ok := r.fresh[id]; ok && !u.Before(e.at) {
			continue
		}
		if e.at.After(need[id]) {
			need[id] = e.at
		}
	}
	r.mu.Unlock()
	if len(need) > 0 {
		ids := make([]string, 0, len(need))
		for id := range need {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		stored, err := r.sink.Raw(ctx, Source, EntityIncident, ids)
		if err != nil {
			return nil, fmt.Errorf("pagerduty: read stored incidents: %w", err)
		}
		r.mu.Lock()
		for _, s := range stored {
			if s.DeletedAt.IsZero() && !s.UpdatedAt.Before(need[s.NativeID]) {
				delete(need, s.NativeID)
				r.fresh[s.NativeID] = s.UpdatedAt
			}
		}
		r.mu.Unlock()
	}
	res := &result{}
	if len(need) > 0 {
		if err := r.refetch(ctx, need, res); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range entries {
		if r.dropped[e.p.Incident.ID] {
			continue
		}
		res.raws = append(res.raws, r.raw(EntityLogEntry, e.p.ID, e.raw, e.at))
		res.rows = append(res.rows, eventRow(&e.p))
	}
	return res, nil
}

// refetch gets the current payload of each incident in need, in parallel; incidents gone (404) or
// outside the scope are dropped with their entries.
func (r *run) refetch(ctx context.Context, need map[string]time.Time, res *result) error {
	ids := make([]string, 0, len(need))
	for id := range need {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	type got struct {
		raw json.RawMessage
		p   incidentPayload
		err error
	}
	out := make([]got, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var body struct {
				Incident json.RawMessage `json:"incident"`
			}
			err := r.c.get(ctx, EntityIncident, "/incidents/"+url.PathEscape(id), nil, &body)
			if err == nil {
				out[i].raw = body.Incident
				err = json.Unmarshal(body.Incident, &out[i].p)
			}
			out[i].err = err
		}()
	}
	wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, g := range out {
		switch {
		case errors.Is(g.err, ErrNotFound):
			r.dropped[ids[i]] = true
		case g.err != nil:
			return g.err
		case !r.inScope(&g.p):
			r.dropped[ids[i]] = true
		default:
			res.incRaws = append(res.incRaws, r.raw(EntityIncident, g.p.ID, g.raw, g.p.updated()))
			res.incRows = append(res.incRows, incidentRow(&g.p, time.Time{}))
		}
	}
	return nil
}

// ---------------------------------------------------------------- full sync: deletions

// markDeleted marks records stored live but not returned by this full sync as deleted.
func (r *run) markDeleted(ctx context.Context) error {
	for _, entity := range []string{EntityUser, EntityTeam, EntityService, EntityEscalationPolicy, EntityIncident, EntityLogEntry} {
		live, err := r.sink.LiveIDs(ctx, Source, entity, "*")
		if err != nil {
			return err
		}
		var gone []string
		for _, id := range live {
			if !r.seen[entity][id] {
				gone = append(gone, id)
			}
		}
		for len(gone) > 0 {
			chunk := gone[:min(len(gone), lookupMax)]
			gone = gone[len(chunk):]
			raws, err := r.sink.Raw(ctx, Source, entity, chunk)
			if err != nil {
				return err
			}
			b := connectors.Batch{Entity: entity}
			for i := range raws {
				raws[i].DeletedAt = r.now
				row, err := mapRaw(&raws[i])
				if err != nil {
					return err
				}
				if row != nil {
					b.Rows = append(b.Rows, row)
				}
			}
			b.Raw = raws
			if err := r.commit(ctx, b); err != nil {
				return err
			}
		}
	}
	return nil
}
