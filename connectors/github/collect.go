package github

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/connectors/httpx"
	"github.com/trainimpact/trainimpact/models"
)

const perPage = "100"

// repoRef is one repository to collect.
type repoRef struct {
	FullName string `json:"full_name"`
	Archived bool   `json:"archived"`
	Updated  string `json:"updated_at"`
	ID       int64  `json:"id"`
}

// tally accumulates what one Sync did, per entity, for the summary lines.
type tally struct {
	mu      sync.Mutex
	fetched map[string]int
	counts  map[string]connectors.Counts
}

func (t *tally) add(raws []models.RawRecord, group string, c connectors.Counts) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range raws {
		t.fetched[r.Entity]++
	}
	g := t.counts[group]
	g.Fetched += c.Fetched
	g.New += c.New
	g.Updated += c.Updated
	g.Unchanged += c.Unchanged
	g.Deleted += c.Deleted
	t.counts[group] = g
}

// Sync implements connectors.Connector: repositories in parallel (at most Concurrency at once),
// and in each its pull requests, then its deployments per production environment.
func (c *Connector) Sync(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions) error {
	start := time.Now()
	t := &tally{fetched: map[string]int{}, counts: map[string]connectors.Counts{}}
	repos, err := c.repositories(ctx, sink, opts, t)
	if err == nil {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(c.cfg.Concurrency)
		for _, r := range repos {
			g.Go(func() error {
				if err := c.syncPulls(gctx, sink, opts, r, t); err != nil {
					return err
				}
				return c.syncDeployments(gctx, sink, opts, r, t)
			})
		}
		err = g.Wait()
	}
	c.summary(ctx, t, time.Since(start))
	return err
}

func (c *Connector) summary(ctx context.Context, t *tally, d time.Duration) {
	groups := map[string]string{entityRepository: entityRepository, entityPull: entityPull, entityReview: entityPull,
		entityCommit: entityPull, entityDeployment: entityDeployment, entityStatus: entityDeployment}
	for _, e := range []string{entityRepository, entityPull, entityReview, entityCommit, entityDeployment, entityStatus} {
		st := c.tr.Stats(e)
		cn := t.counts[groups[e]]
		c.log.LogAttrs(ctx, slog.LevelInfo, "sync summary", slog.String("source", Name), slog.String("entity", e),
			slog.Int("fetched", t.fetched[e]), slog.Int("new", cn.New), slog.Int("updated", cn.Updated), slog.Int("deleted", cn.Deleted),
			slog.Int64("requests", st.Requests.Load()), slog.Int64("retries", st.Retries.Load()), slog.Duration("duration", d))
	}
}

func (c *Connector) commit(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions, t *tally, group string,
	raws []models.RawRecord, cursors []connectors.Cursor) error {
	var rows []models.Row
	if err := c.Map(ctx, raws, func(r models.Row) error { rows = append(rows, r); return nil }); err != nil {
		return err
	}
	cn, err := sink.Commit(ctx, connectors.Batch{Entity: group, Raw: raws, Rows: rows, Cursors: cursors})
	if err != nil {
		return fmt.Errorf("github: commit %s: %w", group, err)
	}
	t.add(raws, group, cn)
	if opts.Progress != nil && len(raws) > 0 {
		opts.Progress(group, len(raws))
	}
	return nil
}

func (c *Connector) raw(entity, id, scope string, payload []byte, updated time.Time) models.RawRecord {
	return models.RawRecord{Source: Name, Entity: entity, NativeID: id, Scope: scope, Payload: payload, UpdatedAt: updated.UTC(), FetchedAt: c.now().UTC()}
}

// cursorExtra is the connector state kept in a cursor.
type cursorExtra struct {
	ETag   string    `json:"etag,omitempty"`
	Open   []int64   `json:"open,omitempty"`  // deployments whose status may still change
	Newest time.Time `json:"newest,omitzero"` // newest deployment creation seen by the last complete walk
}

func (c *Connector) extra(ctx context.Context, sink connectors.Sink, key connectors.CursorKey, opts connectors.SyncOptions) (cursorExtra, time.Time, error) {
	var x cursorExtra
	cur, ok, err := sink.Cursor(ctx, key)
	if err != nil || !ok || cur.ConfigHash != opts.ConfigHash || opts.Full {
		return x, time.Time{}, err
	}
	if len(cur.Extra) > 0 {
		_ = json.Unmarshal(cur.Extra, &x) // unreadable state only costs a refetch
	}
	return x, cur.Since, nil
}

// sourceNow is GitHub's own now (its Date header), or this machine's before any response: the
// time a cursor without a record time (an organisation's repository list) is saved at.
func (c *Connector) sourceNow() time.Time {
	if now, ok := c.tr.SourceNow(); ok {
		return now.UTC()
	}
	return c.now().UTC()
}

func (c *Connector) cursor(key connectors.CursorKey, opts connectors.SyncOptions, since time.Time, x cursorExtra) connectors.Cursor {
	b, _ := json.Marshal(x)
	return connectors.Cursor{CursorKey: key, Since: since, ConfigHash: opts.ConfigHash, Extra: b}
}

// repositories returns the configured repositories and those of the configured organisations (one
// list walk per organisation, conditional on the previous walk's ETag: on 304 the stored list is
// used). Archived ones are skipped unless IncludeArchived.
func (c *Connector) repositories(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions, t *tally) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(r repoRef) {
		if (r.Archived && !c.cfg.IncludeArchived) || seen[r.FullName] {
			return
		}
		seen[r.FullName] = true
		out = append(out, r.FullName)
	}
	for _, r := range c.cfg.Repos {
		add(repoRef{FullName: r})
	}
	ctx = httpx.WithEntity(ctx, entityRepository)
	for _, o := range c.cfg.Orgs {
		key := connectors.CursorKey{Source: Name, Scope: o, Entity: entityRepository}
		x, _, err := c.extra(ctx, sink, key, opts)
		if err != nil {
			return nil, err
		}
		q := url.Values{"type": {"all"}, "sort": {"full_name"}, "per_page": {perPage}}
		var raws []models.RawRecord
		var refs []repoRef
		first := ""
		notModified := false
		for p := 1; p > 0; {
			q.Set("page", strconv.Itoa(p))
			etag := ""
			if p == 1 {
				etag = x.ETag
			}
			pg, err := c.list(ctx, "orgs/"+url.PathEscape(o)+"/repos", q, etag)
			if err != nil {
				return nil, err
			}
			if pg.notModified {
				notModified = true
				break
			}
			if p == 1 {
				first = pg.etag
			}
			for _, it := range pg.items {
				var r repoRef
				if err := json.Unmarshal(it, &r); err != nil {
					return nil, fmt.Errorf("github: decode repository of %s: %w", o, err)
				}
				upd, _ := time.Parse(time.RFC3339, r.Updated)
				raws = append(raws, c.raw(entityRepository, strconv.FormatInt(r.ID, 10), o, it, upd))
				refs = append(refs, r)
			}
			p = pg.next
		}
		if notModified {
			ids, err := sink.LiveIDs(ctx, Name, entityRepository, o)
			if err != nil {
				return nil, err
			}
			stored, err := sink.Raw(ctx, Name, entityRepository, ids)
			if err != nil {
				return nil, err
			}
			for _, s := range stored {
				var r repoRef
				if err := json.Unmarshal(s.Payload, &r); err != nil {
					return nil, fmt.Errorf("github: stored repository %s: %w", s.NativeID, err)
				}
				refs = append(refs, r)
			}
		} else {
			if opts.Full {
				del, err := c.deleted(ctx, sink, entityRepository, o, raws)
				if err != nil {
					return nil, err
				}
				raws = append(raws, del...)
			}
			if err := c.commit(ctx, sink, opts, t, entityRepository, raws, []connectors.Cursor{c.cursor(key, opts, c.sourceNow(), cursorExtra{ETag: first})}); err != nil {
				return nil, err
			}
		}
		sort.Slice(refs, func(a, b int) bool { return refs[a].FullName < refs[b].FullName })
		for _, r := range refs {
			add(r)
		}
	}
	return out, nil
}

// deleted returns, for a full sync, the stored live raw records of (entity, scope) that the source
// no longer returned, marked deleted.
func (c *Connector) deleted(ctx context.Context, sink connectors.Sink, entity, scope string, got []models.RawRecord) ([]models.RawRecord, error) {
	live, err := sink.LiveIDs(ctx, Name, entity, scope)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, r := range got {
		have[r.NativeID] = true
	}
	var gone []string
	for _, id := range live {
		if !have[id] {
			gone = append(gone, id)
		}
	}
	if len(gone) == 0 {
		return nil, nil
	}
	raws, err := sink.Raw(ctx, Name, entity, gone)
	if err != nil {
		return nil, err
	}
	now := c.now().UTC()
	for i := range raws {
		raws[i].DeletedAt = now
		raws[i].FetchedAt = now
	}
	return raws, nil
}

// head holds the fields of a list item the walk needs.
type head struct {
	ID        int64     `json:"id"`
	Number    int       `json:"number"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// storedUpdated returns the stored updated_at of live raw records by native id.
func storedUpdated(ctx context.Context, sink connectors.Sink, entity string, ids []string) (map[string]time.Time, error) {
	raws, err := sink.Raw(ctx, Name, entity, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(raws))
	for _, r := range raws {
		if r.DeletedAt.IsZero() {
			out[r.NativeID] = r.UpdatedAt
		}
	}
	return out, nil
}

// syncPulls walks the repository's pull requests by updated_at descending down to the cursor
// (minus the overlap), one committed batch per page holding the pull requests and, for those whose
// updated_at differs from the stored one, their reviews and commits. The cursor (newest updated_at
// and the first page's ETag) is saved with the last page, so an interrupted walk restarts from the
// previous cursor; the next sync sends If-None-Match and stops at a 304.
func (c *Connector) syncPulls(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions, repo string, t *tally) error {
	key := connectors.CursorKey{Source: Name, Scope: repo, Entity: entityPull}
	since, incremental, err := connectors.Since(ctx, sink, key, opts, c.cfg.Since.Time)
	if err != nil {
		return err
	}
	x, prevSince, err := c.extra(ctx, sink, key, opts)
	if err != nil {
		return err
	}
	lctx := httpx.WithEntity(ctx, entityPull)
	q := url.Values{"state": {"all"}, "sort": {"updated"}, "direction": {"desc"}, "per_page": {perPage}}
	var newest time.Time
	var all []models.RawRecord // kept only for a full sync's deletion check
	first := ""
	for p := 1; p > 0; {
		q.Set("page", strconv.Itoa(p))
		etag := ""
		if p == 1 && incremental {
			etag = x.ETag
		}
		pg, err := c.list(lctx, "repos/"+repo+"/pulls", q, etag)
		if err != nil {
			return err
		}
		if pg.notModified {
			return nil // no pull request changed since the last complete walk
		}
		if p == 1 {
			first = pg.etag
		}
		var raws []models.RawRecord
		var heads []head
		stop := false
		for _, it := range pg.items {
			var h head
			if err := json.Unmarshal(it, &h); err != nil {
				return fmt.Errorf("github: decode pull request of %s: %w", repo, err)
			}
			if h.UpdatedAt.Before(since) {
				stop = true
				break
			}
			if h.UpdatedAt.After(newest) {
				newest = h.UpdatedAt
			}
			heads = append(heads, h)
			raws = append(raws, c.raw(entityPull, strconv.FormatInt(h.ID, 10), repo, it, h.UpdatedAt))
		}
		ids := make([]string, len(raws))
		for i, r := range raws {
			ids[i] = r.NativeID
		}
		stored, err := storedUpdated(ctx, sink, entityPull, ids)
		if err != nil {
			return err
		}
		var changed []head
		for i, h := range heads {
			if s, ok := stored[ids[i]]; opts.Full || !ok || !s.Equal(h.UpdatedAt) {
				changed = append(changed, h)
			}
		}
		details, err := c.pullDetails(ctx, repo, changed)
		if err != nil {
			return err
		}
		if opts.Full {
			all = append(all, raws...)
		}
		raws = append(raws, details...)
		last := stop || pg.next == 0
		var cursors []connectors.Cursor
		if last {
			s := newest
			if s.IsZero() {
				s = prevSince
			}
			if opts.Full {
				del, err := c.deleted(ctx, sink, entityPull, repo, all)
				if err != nil {
					return err
				}
				raws = append(raws, del...)
			}
			cursors = []connectors.Cursor{c.cursor(key, opts, s, cursorExtra{ETag: first})}
		}
		if err := c.commit(ctx, sink, opts, t, entityPull, raws, cursors); err != nil {
			return err
		}
		if last {
			break
		}
		p = pg.next
	}
	return nil
}

// pullDetails fetches the reviews and commits of the given pull requests, in parallel.
func (c *Connector) pullDetails(ctx context.Context, repo string, prs []head) ([]models.RawRecord, error) {
	var mu sync.Mutex
	var out []models.RawRecord
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.Concurrency)
	for _, h := range prs {
		g.Go(func() error {
			rv, err := c.listAll(httpx.WithEntity(gctx, entityReview), fmt.Sprintf("repos/%s/pulls/%d/reviews", repo, h.Number), nil,
				func(it json.RawMessage) (models.RawRecord, error) {
					var v struct {
						ID          int64     `json:"id"`
						SubmittedAt time.Time `json:"submitted_at"`
					}
					err := json.Unmarshal(it, &v)
					return c.raw(entityReview, strconv.FormatInt(v.ID, 10), repo, it, v.SubmittedAt), err
				})
			if err != nil {
				return err
			}
			cs, err := c.listAll(httpx.WithEntity(gctx, entityCommit), fmt.Sprintf("repos/%s/pulls/%d/commits", repo, h.Number), nil,
				func(it json.RawMessage) (models.RawRecord, error) {
					var v struct {
						SHA    string `json:"sha"`
						Commit struct {
							Committer struct {
								Date time.Time `json:"date"`
							} `json:"committer"`
						} `json:"commit"`
					}
					err := json.Unmarshal(it, &v)
					return c.raw(entityCommit, commitNativeID(repo, h.Number, v.SHA), repo, it, v.Commit.Committer.Date), err
				})
			if err != nil {
				return err
			}
			mu.Lock()
			out = append(out, rv...)
			out = append(out, cs...)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Entity != out[b].Entity {
			return out[a].Entity < out[b].Entity
		}
		return out[a].NativeID < out[b].NativeID
	})
	return out, nil
}

// listAll walks every page of a list endpoint.
func (c *Connector) listAll(ctx context.Context, path string, q url.Values, conv func(json.RawMessage) (models.RawRecord, error)) ([]models.RawRecord, error) {
	if q == nil {
		q = url.Values{}
	}
	q.Set("per_page", perPage)
	var out []models.RawRecord
	for p := 1; p > 0; {
		q.Set("page", strconv.Itoa(p))
		pg, err := c.list(ctx, path, q, "")
		if err != nil {
			return nil, err
		}
		for _, it := range pg.items {
			r, err := conv(it)
			if err != nil {
				return nil, fmt.Errorf("github: decode %s: %w", path, err)
			}
			out = append(out, r)
		}
		p = pg.next
	}
	return out, nil
}

// syncDeployments collects each production environment's deployments (see syncEnvironment); a
// full sync then marks the repository's stored deployments that no environment returned deleted.
func (c *Connector) syncDeployments(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions, repo string, t *tally) error {
	var all []models.RawRecord
	for _, env := range c.cfg.ProductionEnvironments {
		got, err := c.syncEnvironment(ctx, sink, opts, repo, env, t)
		if err != nil {
			return err
		}
		all = append(all, got...)
	}
	if !opts.Full {
		return nil
	}
	del, err := c.deleted(ctx, sink, entityDeployment, repo, all)
	if err != nil || len(del) == 0 {
		return err
	}
	return c.commit(ctx, sink, opts, t, entityDeployment, del, nil)
}

// terminal deployment states: a deployment in one of them never changes again.
var terminal = []string{"failure", "error", "inactive"}

// syncEnvironment walks the deployments of one environment newest first, down to the oldest
// deployment that could still change at the last complete walk (one without a status in a terminal
// state; a successful one turns inactive when superseded), minus the overlap. Statuses are fetched
// for deployments that are new, whose updated_at moved, or that the last complete walk did not see;
// a 304 on the first page (If-None-Match with its ETag) ends the walk at once.
func (c *Connector) syncEnvironment(ctx context.Context, sink connectors.Sink, opts connectors.SyncOptions, repo, env string, t *tally) ([]models.RawRecord, error) {
	key := connectors.CursorKey{Source: Name, Scope: repo, Entity: entityDeployment + "/" + env}
	since, incremental, err := connectors.Since(ctx, sink, key, opts, c.cfg.Since.Time)
	if err != nil {
		return nil, err
	}
	x, prevSince, err := c.extra(ctx, sink, key, opts)
	if err != nil {
		return nil, err
	}
	wasOpen := map[int64]bool{}
	for _, id := range x.Open {
		wasOpen[id] = true
	}
	lctx := httpx.WithEntity(ctx, entityDeployment)
	q := url.Values{"environment": {env}, "per_page": {perPage}}
	var seen []models.RawRecord
	next := cursorExtra{}
	oldestOpen := time.Time{}
	for p := 1; p > 0; {
		q.Set("page", strconv.Itoa(p))
		etag := ""
		if p == 1 && incremental {
			etag = x.ETag
		}
		pg, err := c.list(lctx, "repos/"+repo+"/deployments", q, etag)
		if err != nil {
			return nil, err
		}
		if pg.notModified {
			return nil, nil
		}
		if p == 1 {
			next.ETag = pg.etag
		}
		var raws []models.RawRecord
		var heads []head
		stop := false
		for _, it := range pg.items {
			var h head
			if err := json.Unmarshal(it, &h); err != nil {
				return nil, fmt.Errorf("github: decode deployment of %s: %w", repo, err)
			}
			if h.CreatedAt.Before(since) {
				stop = true
				break
			}
			if h.CreatedAt.After(next.Newest) {
				next.Newest = h.CreatedAt
			}
			heads = append(heads, h)
			raws = append(raws, c.raw(entityDeployment, strconv.FormatInt(h.ID, 10), repo, it, h.UpdatedAt))
		}
		ids := make([]string, len(raws))
		for i, r := range raws {
			ids[i] = r.NativeID
		}
		stored, err := storedUpdated(ctx, sink, entityDeployment, ids)
		if err != nil {
			return nil, err
		}
		seen = append(seen, raws...)
		var fetch []head
		for i, h := range heads {
			s, ok := stored[ids[i]]
			if opts.Full || !incremental || !ok || !s.Equal(h.UpdatedAt) || h.CreatedAt.After(x.Newest) {
				fetch = append(fetch, h)
			} else if wasOpen[h.ID] {
				next.Open = append(next.Open, h.ID)
				oldestOpen = minTime(oldestOpen, h.CreatedAt)
			}
		}
		statuses, open, err := c.deploymentStatuses(ctx, repo, fetch)
		if err != nil {
			return nil, err
		}
		for _, h := range fetch {
			if open[h.ID] {
				next.Open = append(next.Open, h.ID)
				oldestOpen = minTime(oldestOpen, h.CreatedAt)
			}
		}
		raws = append(raws, statuses...)
		last := stop || pg.next == 0
		var cursors []connectors.Cursor
		if last {
			s := oldestOpen
			if s.IsZero() {
				s = next.Newest
			}
			if s.IsZero() {
				s = prevSince
			}
			slices.Sort(next.Open)
			cursors = []connectors.Cursor{c.cursor(key, opts, s, next)}
		}
		if err := c.commit(ctx, sink, opts, t, entityDeployment, raws, cursors); err != nil {
			return nil, err
		}
		if last {
			break
		}
		p = pg.next
	}
	return seen, nil
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// deploymentStatuses fetches the statuses of the given deployments in parallel and reports which
// may still change (latest status not terminal).
func (c *Connector) deploymentStatuses(ctx context.Context, repo string, ds []head) ([]models.RawRecord, map[int64]bool, error) {
	var mu sync.Mutex
	var out []models.RawRecord
	open := map[int64]bool{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.Concurrency)
	for _, h := range ds {
		g.Go(func() error {
			var latest string
			var latestAt time.Time
			st, err := c.listAll(httpx.WithEntity(gctx, entityStatus), fmt.Sprintf("repos/%s/deployments/%d/statuses", repo, h.ID), nil,
				func(it json.RawMessage) (models.RawRecord, error) {
					var v struct {
						ID        int64     `json:"id"`
						State     string    `json:"state"`
						CreatedAt time.Time `json:"created_at"`
					}
					err := json.Unmarshal(it, &v)
					if latestAt.IsZero() || v.CreatedAt.After(latestAt) { // listed newest first
						latest, latestAt = v.State, v.CreatedAt
					}
					return c.raw(entityStatus, strconv.FormatInt(v.ID, 10), repo, it, v.CreatedAt), err
				})
			if err != nil {
				return err
			}
			mu.Lock()
			out = append(out, st...)
			open[h.ID] = !slices.Contains(terminal, latest)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].NativeID < out[b].NativeID })
	return out, open, nil
}
