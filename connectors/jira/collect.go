package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
)

// Raw entity names.
const (
	entityIssue      = "issue"
	entityChangelog  = "changelog"
	entityField      = "field"
	entityStatus     = "status"
	entityPriorities = "priorities"
)

// issueFields are the fields asked for in every search (custom fields are added by id).
var issueFields = []string{"summary", "issuetype", "project", "status", "priority", "assignee", "reporter",
	"created", "updated", "resolutiondate", "resolution", "duedate", "labels"}

// Sync implements connectors.Connector: catalogs first, then issues with their changelogs.
func (s *Source) Sync(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions) error {
	if err := s.detect(ctx); err != nil {
		return err
	}
	loc, err := s.userLocation(ctx)
	if err != nil {
		return err
	}
	if err := s.syncCatalogs(ctx, sink); err != nil {
		return err
	}
	return s.syncIssues(ctx, sink, opts, loc)
}

// syncCatalogs stores /field (when custom fields are configured), /status and /priority.
func (s *Source) syncCatalogs(ctx context.Context, sink connectors.Sink) error {
	now := s.now()
	var raws []models.RawRecord
	list := func(path, entity string) error {
		var items []json.RawMessage
		if err := s.do(ctx, "setup", http.MethodGet, path, nil, &items); err != nil {
			return err
		}
		for _, it := range items {
			var head struct {
				ID any `json:"id"`
			}
			if err := json.Unmarshal(it, &head); err != nil || head.ID == nil {
				return fmt.Errorf("jira: %s: item without id", path)
			}
			raws = append(raws, models.RawRecord{Source: Name, Entity: entity, NativeID: fmt.Sprint(head.ID), Payload: it, FetchedAt: now})
		}
		return nil
	}
	if len(s.cfg.CustomFields) > 0 {
		if err := list("rest/api/2/field", entityField); err != nil {
			return err
		}
		s.learnFields(raws)
	}
	if err := list("rest/api/2/status", entityStatus); err != nil {
		return err
	}
	var prio json.RawMessage
	if err := s.do(ctx, "setup", http.MethodGet, "rest/api/2/priority", nil, &prio); err != nil {
		return err
	}
	raws = append(raws, models.RawRecord{Source: Name, Entity: entityPriorities, NativeID: "all", Payload: prio, FetchedAt: now})
	_, err := sink.Commit(ctx, connectors.Batch{Entity: "catalog", Raw: raws})
	return err
}

// searchFields returns the fields to request: the standard ones and the configured custom fields.
func (s *Source) searchFields() []string {
	out := append([]string(nil), issueFields...)
	for _, f := range s.cfg.CustomFields {
		if id := s.fieldID(f); id != "" {
			out = append(out, id)
		} else {
			s.log.Warn("jira: custom field not found in /rest/api/2/field; it is left out", slog.String("field", f))
		}
	}
	return out
}

// jqlLayout is how JQL dates are written: yyyy/MM/dd HH:mm, in the user's time zone.
const jqlLayout = "2006/01/02 15:04"

// buildJQL returns the search: the configured JQL, updated since (written in the user's time
// zone, minutes truncated down), ordered by updated.
func (s *Source) buildJQL(since time.Time, loc *time.Location) string {
	if since.IsZero() {
		since = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC) // the enhanced search wants a bounded query
	}
	var parts []string
	if j := strings.TrimSpace(s.cfg.JQL); j != "" {
		parts = append(parts, "("+j+")")
	}
	parts = append(parts, `updated >= "`+jqlTime(since, loc)+`"`)
	return strings.Join(parts, " AND ") + " ORDER BY updated ASC, key ASC"
}

// jqlTime writes since as a JQL wall time in loc that no reading of it exceeds: in the hour a
// clock falls back, a wall time names two instants, and Jira may take the later one, so a cursor
// in the first of them is written as the wall time one shift earlier. Cursors are kept within
// the years JQL can write (1970 to 9999).
func jqlTime(since time.Time, loc *time.Location) string {
	if lo := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC); since.Before(lo) {
		since = lo
	}
	if hi := time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC); since.After(hi) {
		since = hi
	}
	t := since
	for range 4 {
		w := t.In(loc).Format(jqlLayout)
		later := false
		for _, shift := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
			if t.Add(shift).In(loc).Format(jqlLayout) == w {
				t, later = t.Add(-shift), true
				break
			}
		}
		if !later {
			return w
		}
	}
	return t.In(loc).Format(jqlLayout)
}

// page is one search page, or the error that ended the search.
type page struct {
	issues []json.RawMessage
	err    error
}

// issueHead is what collection reads from an issue payload.
type issueHead struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Fields struct {
		Updated string `json:"updated"`
	} `json:"fields"`
	Changelog *struct {
		Total     int               `json:"total"`
		Histories []json.RawMessage `json:"histories"`
	} `json:"changelog"`
}

// issueRun is the state of one issue collection.
type issueRun struct {
	key       connectors.CursorKey
	hash      string
	maxUpd    time.Time
	seen      map[string]bool
	counts    connectors.Counts
	histFetch int

	pending       []models.RawRecord // fetched, not yet committed
	pendingIssues int
}

func (s *Source) syncIssues(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions, loc *time.Location) error {
	began := time.Now()
	run := &issueRun{key: connectors.CursorKey{Source: Name, Entity: entityIssue}, hash: opts.ConfigHash, seen: map[string]bool{}}
	since, incremental, err := connectors.Since(ctx, sink, run.key, opts, s.cfg.Since.Time)
	if err != nil {
		return fmt.Errorf("jira: read cursor: %w", err)
	}
	if incremental {
		if c, ok, err := sink.Cursor(ctx, run.key); err == nil && ok {
			run.maxUpd = c.Since
		}
	}
	jql := s.buildJQL(since, loc)
	fields := s.searchFields()

	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan chan page, 2*s.cfg.Concurrency)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(pages)
		if s.cloud {
			s.cloudPages(pctx, jql, fields, pages)
		} else {
			s.dcPages(pctx, jql, fields, pages, &wg)
		}
	}()
	var firstErr error
	for slot := range pages {
		p := <-slot
		if firstErr != nil {
			continue // draining after an error
		}
		if p.err == nil {
			p.err = s.commitPage(pctx, sink, p.issues, run, opts)
		}
		if p.err != nil {
			firstErr = p.err
			cancel()
		}
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err() // cancelled between pages: the run is incomplete
	}
	if firstErr == nil {
		firstErr = s.flush(ctx, sink, run, opts)
	}
	if firstErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return firstErr
	}
	if opts.Full {
		if err := s.markDeleted(ctx, sink, run, opts); err != nil {
			return err
		}
	}
	st := s.tr.Stats(entityIssue)
	s.log.LogAttrs(ctx, slog.LevelInfo, "sync summary", slog.String("source", Name), slog.String("entity", entityIssue),
		slog.Int("fetched", run.counts.Fetched), slog.Int("new", run.counts.New), slog.Int("updated", run.counts.Updated),
		slog.Int("deleted", run.counts.Deleted), slog.Int64("requests", st.Requests.Load()), slog.Int64("retries", st.Retries.Load()),
		slog.Int("changelog_histories_fetched", run.histFetch), slog.Duration("duration", time.Since(began)))
	return nil
}

// cloudSearchRequest is the body of POST /rest/api/3/search/jql.
type cloudSearchRequest struct {
	JQL           string   `json:"jql"`
	NextPageToken string   `json:"nextPageToken,omitempty"`
	MaxResults    int      `json:"maxResults"`
	Fields        []string `json:"fields"`
	Expand        string   `json:"expand"`
}

// cloudPages walks the enhanced search; the next page is fetched while the previous one commits.
func (s *Source) cloudPages(ctx context.Context, jql string, fields []string, out chan<- chan page) {
	req := cloudSearchRequest{JQL: jql, MaxResults: s.cfg.PageSize, Fields: fields, Expand: "changelog"}
	for {
		var resp struct {
			Issues        []json.RawMessage `json:"issues"`
			NextPageToken string            `json:"nextPageToken"`
			IsLast        *bool             `json:"isLast"`
		}
		err := s.do(ctx, entityIssue, http.MethodPost, "rest/api/3/search/jql", req, &resp)
		slot := make(chan page, 1)
		slot <- page{issues: resp.Issues, err: err}
		out <- slot // the consumer drains every slot until the channel closes
		last := resp.NextPageToken == "" || (resp.IsLast != nil && *resp.IsLast)
		if err != nil || last || ctx.Err() != nil {
			return
		}
		req.NextPageToken = resp.NextPageToken
	}
}

type dcSearchResponse struct {
	StartAt    int               `json:"startAt"`
	MaxResults int               `json:"maxResults"`
	Total      int               `json:"total"`
	Issues     []json.RawMessage `json:"issues"`
}

func (s *Source) dcSearch(ctx context.Context, jql string, fields []string, startAt int) (*dcSearchResponse, error) {
	q := url.Values{}
	q.Set("jql", jql)
	q.Set("startAt", strconv.Itoa(startAt))
	q.Set("maxResults", strconv.Itoa(s.cfg.PageSize))
	q.Set("fields", strings.Join(fields, ","))
	q.Set("expand", "changelog")
	var resp dcSearchResponse
	if err := s.do(ctx, entityIssue, http.MethodGet, "rest/api/2/search?"+q.Encode(), nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// dcPages reads the first page for the total, then the others concurrently (bounded by the
// transport), delivering them in order.
func (s *Source) dcPages(ctx context.Context, jql string, fields []string, out chan<- chan page, wg *sync.WaitGroup) {
	first, err := s.dcSearch(ctx, jql, fields, 0)
	slot := make(chan page, 1)
	if err != nil {
		slot <- page{err: err}
	} else {
		slot <- page{issues: first.Issues}
	}
	out <- slot // the consumer drains every slot until the channel closes
	if err != nil || first.MaxResults <= 0 {
		return
	}
	for start := first.MaxResults; start < first.Total; start += first.MaxResults {
		if ctx.Err() != nil {
			return // the consumer reports the cancellation
		}
		slot := make(chan page, 1)
		out <- slot
		wg.Add(1)
		go func(start int) {
			defer wg.Done()
			r, err := s.dcSearch(ctx, jql, fields, start)
			if err != nil {
				slot <- page{err: err}
				return
			}
			slot <- page{issues: r.Issues}
		}(start)
	}
}

// commitPage completes truncated changelogs, maps the page and commits it with the cursor it proves.
func (s *Source) commitPage(ctx context.Context, sink connectors.Sink, issues []json.RawMessage, run *issueRun, opts connectors.SyncOptions) error {
	if len(issues) == 0 {
		return nil
	}
	now := s.now()
	raws := make([]models.RawRecord, 0, len(issues))
	var short []issueHead
	maxUpd := run.maxUpd
	for _, p := range issues {
		var h issueHead
		if err := json.Unmarshal(p, &h); err != nil || h.ID == "" {
			return fmt.Errorf("jira: search returned an issue that does not decode: %v", err)
		}
		upd, err := parseTime(h.Fields.Updated)
		if err != nil {
			return fmt.Errorf("jira: issue %s: updated: %w", h.Key, err)
		}
		if upd.After(maxUpd) {
			maxUpd = upd
		}
		raws = append(raws, models.RawRecord{Source: Name, Entity: entityIssue, NativeID: h.ID, Payload: p, UpdatedAt: upd, FetchedAt: now})
		if s.cloud && h.Changelog != nil && h.Changelog.Total > len(h.Changelog.Histories) {
			short = append(short, h)
		}
	}
	if len(short) > 0 {
		hist, err := s.completeChangelogs(ctx, short, now)
		if err != nil {
			return err
		}
		run.histFetch += len(hist)
		raws = append(raws, hist...)
	}
	fb, err := s.requestFeedback(ctx, issues, now) // feedback.go
	if err != nil {
		return err
	}
	raws = append(raws, fb...)
	run.maxUpd = maxUpd
	run.pending = append(run.pending, raws...)
	run.pendingIssues += len(issues)
	if run.pendingIssues >= s.commitEvery {
		return s.flush(ctx, sink, run, opts)
	}
	return nil
}

// defaultCommitEvery is the number of issues committed together (pages are grouped: one DuckDB
// transaction per page would cost more than the page's request).
const defaultCommitEvery = 500

// flush maps and commits the pending pages with the cursor they prove.
func (s *Source) flush(ctx context.Context, sink connectors.Sink, run *issueRun, opts connectors.SyncOptions) error {
	if len(run.pending) == 0 {
		return nil
	}
	var rows []models.Row
	if err := s.Map(ctx, run.pending, func(r models.Row) error { rows = append(rows, r); return nil }); err != nil {
		return err
	}
	c, err := sink.Commit(ctx, connectors.Batch{Entity: entityIssue, Raw: run.pending, Rows: rows,
		Cursors: []connectors.Cursor{{CursorKey: run.key, Since: run.maxUpd, ConfigHash: run.hash}}})
	if err != nil {
		return fmt.Errorf("jira: commit pages: %w", err)
	}
	for _, r := range run.pending {
		if r.Entity == entityIssue {
			run.seen[r.NativeID] = true
		}
	}
	run.counts.Fetched += c.Fetched
	run.counts.New += c.New
	run.counts.Updated += c.Updated
	run.counts.Unchanged += c.Unchanged
	run.counts.Deleted += c.Deleted
	if opts.Progress != nil {
		opts.Progress(entityIssue, run.pendingIssues)
	}
	run.pending, run.pendingIssues = nil, 0
	return nil
}

// changelogPageSize is the page size of the changelog endpoint (its maximum).
const changelogPageSize = 100

// completeChangelogs reads the whole changelog of issues whose search result embedded only part
// of it (Cloud), concurrently; the transport bounds requests in flight.
func (s *Source) completeChangelogs(ctx context.Context, short []issueHead, now time.Time) ([]models.RawRecord, error) {
	return fanOut(ctx, short, func(ctx context.Context, h issueHead) ([]models.RawRecord, error) {
		return s.changelog(ctx, h.ID, now)
	})
}

// fanOut calls fetch for every item concurrently (the transport bounds requests in flight) and
// returns all their records; the first error cancels the others and is returned (the caller's
// own cancellation in its place, when that came first).
func fanOut[T any](ctx context.Context, items []T, fetch func(context.Context, T) ([]models.RawRecord, error)) ([]models.RawRecord, error) {
	var (
		mu    sync.Mutex
		out   []models.RawRecord
		first error
		wg    sync.WaitGroup
	)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, it := range items {
		wg.Add(1)
		go func(it T) {
			defer wg.Done()
			recs, err := fetch(cctx, it)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = err
					cancel()
				}
				return
			}
			out = append(out, recs...)
		}(it)
	}
	wg.Wait()
	if first != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, first
	}
	return out, nil
}

// changelog pages GET /rest/api/3/issue/{id}/changelog.
func (s *Source) changelog(ctx context.Context, issueID string, now time.Time) ([]models.RawRecord, error) {
	var out []models.RawRecord
	for start := 0; ; {
		var resp struct {
			StartAt    int               `json:"startAt"`
			MaxResults int               `json:"maxResults"`
			Total      int               `json:"total"`
			IsLast     *bool             `json:"isLast"`
			Values     []json.RawMessage `json:"values"`
		}
		path := fmt.Sprintf("rest/api/3/issue/%s/changelog?startAt=%d&maxResults=%d", url.PathEscape(issueID), start, changelogPageSize)
		if err := s.do(ctx, entityChangelog, http.MethodGet, path, nil, &resp); err != nil {
			return nil, err
		}
		for _, v := range resp.Values {
			var h struct {
				ID      string `json:"id"`
				Created string `json:"created"`
			}
			if err := json.Unmarshal(v, &h); err != nil || h.ID == "" {
				return nil, fmt.Errorf("jira: changelog of issue %s: history without id", issueID)
			}
			at, _ := parseTime(h.Created)
			out = append(out, models.RawRecord{Source: Name, Entity: entityChangelog, NativeID: h.ID, Scope: issueID,
				Payload: v, UpdatedAt: at, FetchedAt: now})
		}
		start += len(resp.Values)
		last := len(resp.Values) == 0 || start >= resp.Total
		if resp.IsLast != nil {
			last = *resp.IsLast || len(resp.Values) == 0
		}
		if last {
			return out, nil
		}
	}
}

// markDeleted marks issues stored live but not returned by a complete full sync as deleted.
func (s *Source) markDeleted(ctx context.Context, sink connectors.Sink, run *issueRun, opts connectors.SyncOptions) error {
	live, err := sink.LiveIDs(ctx, Name, entityIssue, "*")
	if err != nil {
		return fmt.Errorf("jira: live issues: %w", err)
	}
	var gone []string
	for _, id := range live {
		if !run.seen[id] {
			gone = append(gone, id)
		}
	}
	const chunk = 1000
	for len(gone) > 0 {
		n := min(chunk, len(gone))
		raws, err := sink.Raw(ctx, Name, entityIssue, gone[:n])
		if err != nil {
			return fmt.Errorf("jira: stored issues: %w", err)
		}
		gone = gone[n:]
		now := s.now()
		for i := range raws {
			raws[i].DeletedAt, raws[i].FetchedAt = now, now
		}
		var rows []models.Row
		if err := s.Map(ctx, raws, func(r models.Row) error { rows = append(rows, r); return nil }); err != nil {
			return err
		}
		c, err := sink.Commit(ctx, connectors.Batch{Entity: entityIssue, Raw: raws, Rows: rows})
		if err != nil {
			return fmt.Errorf("jira: commit deletions: %w", err)
		}
		run.counts.Deleted += c.Deleted
		if opts.Progress != nil {
			opts.Progress(entityIssue, 0)
		}
	}
	return nil
}

// parseTime parses Jira's "2025-03-04T05:06:07.000-0800" (and RFC 3339) into UTC.
func parseTime(s string) (time.Time, error) {
	for _, f := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("jira: time %q is not in Jira's format", s)
}
