// Package sink implements connectors.Sink on the working database: each Batch is committed in one
// transaction — raw payloads (only new or changed ones are rewritten), canonical rows, cursors.
package sink

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"time"

	"github.com/trainimpact/trainimpact/connectors"
	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Sink writes connector batches into a store. It is safe for concurrent use; commits are serialised.
type Sink struct {
	st  *store.Store
	now func() time.Time
	mu  sync.Mutex

	totalsMu sync.Mutex
	totals   map[string]*connectors.Counts // by "source/entity"

	// tracked holds, per "source\x00entity" that had no raw records when this Sink first wrote it,
	// every record it has committed since (by native id): those are then all the stored records, so
	// a first sync finds existing payloads here instead of scanning raw_records at each commit. A
	// nil map means the entity had records before, or more than trackMax were written (they are
	// looked up in the database).
	tracked  map[string]map[string]stored
	trackMax int
	seeds    [2]maphash.Seed // of trackedHash
}

// trackMax bounds the records a sink remembers per entity (~80 bytes each); past it the entity's
// existing records are looked up in the database like those of an entity that was not empty.
const trackMax = 2_000_000

// stored is what the sink compares a fetched record with. hash is payloadHash for a record read
// from the database, trackedHash for one the sink remembers.
type stored struct {
	hash    [md5.Size]byte
	deleted bool
}

// New returns a Sink on st. now may be nil (time.Now).
func New(st *store.Store, now func() time.Time) *Sink {
	if now == nil {
		now = time.Now
	}
	return &Sink{st: st, now: now, totals: map[string]*connectors.Counts{}, tracked: map[string]map[string]stored{}, trackMax: trackMax,
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
}

var _ connectors.Sink = (*Sink)(nil)

// Totals returns the accumulated counts per "source/entity" of every committed batch.
func (s *Sink) Totals() map[string]connectors.Counts {
	s.totalsMu.Lock()
	defer s.totalsMu.Unlock()
	out := make(map[string]connectors.Counts, len(s.totals))
	for k, v := range s.totals {
		out[k] = *v
	}
	return out
}

// payloadHash is DuckDB's md5 of the stored payload text, computed in Go for a new payload (the
// store keeps payloads verbatim, so the text is the payload's bytes).
func payloadHash(p []byte) [md5.Size]byte { return md5.Sum(p) }

// trackedHash is the hash of a payload the sink remembers: it is only ever compared with another
// trackedHash of this Sink, so it need not be DuckDB's md5. Two independently seeded 64-bit
// maphashes (128 bits) cost a small fraction of md5, which was ≈ 2 % of a first sync's CPU.
func (s *Sink) trackedHash(p []byte) [md5.Size]byte {
	var h [md5.Size]byte
	binary.LittleEndian.PutUint64(h[:8], maphash.Bytes(s.seeds[0], p))
	binary.LittleEndian.PutUint64(h[8:], maphash.Bytes(s.seeds[1], p))
	return h
}

// Commit implements connectors.Sink.
func (s *Sink) Commit(ctx context.Context, b connectors.Batch) (connectors.Counts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var c connectors.Counts
	c.Fetched = len(b.Raw)
	err := s.st.Write(ctx, func(w *store.Writer) error {
		fresh, changed, err := s.changedRaw(ctx, w, b.Raw, &c)
		if err != nil {
			return err
		}
		// Records not stored yet are inserted without conflict handling (DuckDB's upsert costs
		// several times as much); the rest, and the canonical rows, are upserted.
		if err := w.Insert(ctx, fresh); err != nil {
			return err
		}
		rows := make([]models.Row, 0, len(changed)+len(b.Rows))
		rows = append(rows, changed...)
		rows = append(rows, b.Rows...)
		if err := w.Upsert(ctx, rows); err != nil {
			return err
		}
		return s.saveCursors(ctx, w, b.Cursors)
	})
	if err != nil {
		return connectors.Counts{}, err
	}
	for _, r := range b.Raw {
		k := r.Source + "\x00" + r.Entity
		if ids := s.tracked[k]; ids != nil {
			ids[r.NativeID] = stored{hash: s.trackedHash(r.Payload), deleted: !r.DeletedAt.IsZero()}
			if len(ids) > s.trackMax {
				s.tracked[k] = nil
			}
		}
	}
	if len(b.Raw) > 0 {
		key := b.Raw[0].Source + "/" + b.Entity
		s.totalsMu.Lock()
		t := s.totals[key]
		if t == nil {
			t = &connectors.Counts{}
			s.totals[key] = t
		}
		t.Fetched += c.Fetched
		t.New += c.New
		t.Updated += c.Updated
		t.Unchanged += c.Unchanged
		t.Deleted += c.Deleted
		s.totalsMu.Unlock()
	}
	return c, nil
}

// changedRaw sorts the raw records into those not stored yet (fresh; the last one given for an id)
// and those whose payload or deletion mark changed, and counts them.
func (s *Sink) changedRaw(ctx context.Context, w *store.Writer, raw []models.RawRecord, c *connectors.Counts) (fresh, changed []models.Row, err error) {
	if len(raw) == 0 {
		return nil, nil, nil
	}
	ids := map[string][]string{} // by "source\x00entity"
	for _, r := range raw {
		k := r.Source + "\x00" + r.Entity
		ids[k] = append(ids[k], r.NativeID)
	}
	existing := map[string]stored{} // by "source\x00entity\x00native_id", entities not tracked
	for k, list := range ids {
		source, entity, _ := strings.Cut(k, "\x00")
		t, seen := s.tracked[k]
		if !seen {
			var has bool
			if err := w.QueryRow(ctx, Query("raw_exists"), source, entity).Scan(&has); err != nil {
				return nil, nil, fmt.Errorf("sink: read existing %s/%s: %w", source, entity, err)
			}
			if !has {
				t = map[string]stored{}
			}
			s.tracked[k] = t
		}
		if t != nil {
			continue
		}
		rows, err := w.Query(ctx, Query("raw_hashes"), strList(list), source, entity)
		if err != nil {
			return nil, nil, fmt.Errorf("sink: read existing %s/%s: %w", source, entity, err)
		}
		for rows.Next() {
			var id, hash string
			var p stored
			if err := rows.Scan(&id, &hash, &p.deleted); err != nil {
				rows.Close()
				return nil, nil, err
			}
			if _, err := hex.Decode(p.hash[:], []byte(hash)); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("sink: payload hash %q: %w", hash, err)
			}
			existing[k+"\x00"+id] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	last := map[string]int{} // fresh records by key, to keep the last one given
	for _, r := range raw {
		k := r.Source + "\x00" + r.Entity
		var p stored
		var ok bool
		hash := payloadHash
		if t := s.tracked[k]; t != nil {
			p, ok = t[r.NativeID]
			hash = s.trackedHash
		} else {
			p, ok = existing[k+"\x00"+r.NativeID]
		}
		nowDeleted := !r.DeletedAt.IsZero()
		switch {
		case !ok:
			c.New++
			key := k + "\x00" + r.NativeID
			if i, dup := last[key]; dup {
				fresh[i] = r
				continue
			}
			last[key] = len(fresh)
			fresh = append(fresh, r)
			continue
		case nowDeleted && !p.deleted:
			c.Deleted++
		case p.hash != hash(r.Payload) || p.deleted != nowDeleted:
			c.Updated++
		default:
			c.Unchanged++
			continue
		}
		changed = append(changed, r)
	}
	return fresh, changed, nil
}

// strList passes a string slice as a DuckDB list parameter.
func strList(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func (s *Sink) saveCursors(ctx context.Context, w *store.Writer, cs []connectors.Cursor) error {
	for _, c := range cs {
		var extra any
		if len(c.Extra) > 0 {
			extra = string(c.Extra)
		}
		var since any
		if !c.Since.IsZero() {
			since = c.Since.UTC()
		}
		if _, err := w.Exec(ctx, Query("save_cursor"), c.Source, c.Scope, c.Entity, since, c.ConfigHash, extra, s.now().UTC()); err != nil {
			return fmt.Errorf("sink: save cursor %s/%s/%s: %w", c.Source, c.Scope, c.Entity, err)
		}
	}
	return nil
}

// Cursor implements connectors.Sink.
func (s *Sink) Cursor(ctx context.Context, key connectors.CursorKey) (connectors.Cursor, bool, error) {
	var since sql.NullTime
	var hash string
	var extra sql.NullString
	err := s.st.DB().QueryRowContext(ctx, Query("read_cursor"), key.Source, key.Scope, key.Entity).Scan(&since, &hash, &extra)
	if err == sql.ErrNoRows {
		return connectors.Cursor{}, false, nil
	}
	if err != nil {
		return connectors.Cursor{}, false, fmt.Errorf("sink: read cursor %s/%s/%s: %w", key.Source, key.Scope, key.Entity, err)
	}
	c := connectors.Cursor{CursorKey: key, ConfigHash: hash}
	if since.Valid {
		c.Since = since.Time.UTC()
	}
	if extra.Valid {
		c.Extra = json.RawMessage(extra.String)
	}
	return c, true, nil
}

// LiveIDs implements connectors.Sink.
func (s *Sink) LiveIDs(ctx context.Context, source, entity, scope string) ([]string, error) {
	rows, err := s.st.DB().QueryContext(ctx, Query("live_ids"), source, entity, scope, scope)
	if err != nil {
		return nil, fmt.Errorf("sink: live ids %s/%s: %w", source, entity, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Raw implements connectors.Sink.
func (s *Sink) Raw(ctx context.Context, source, entity string, ids []string) ([]models.RawRecord, error) {
	rows, err := s.st.DB().QueryContext(ctx, Query("raw_by_ids"), strList(ids), source, entity)
	if err != nil {
		return nil, fmt.Errorf("sink: raw %s/%s: %w", source, entity, err)
	}
	defer rows.Close()
	return ScanRaw(rows)
}

// ScanRaw reads rows of (source, entity, native_id, scope, payload, updated_at, fetched_at, deleted_at).
func ScanRaw(rows *sql.Rows) ([]models.RawRecord, error) {
	var out []models.RawRecord
	for rows.Next() {
		var r models.RawRecord
		var payload string
		var upd, del sql.NullTime
		if err := rows.Scan(&r.Source, &r.Entity, &r.NativeID, &r.Scope, &payload, &upd, &r.FetchedAt, &del); err != nil {
			return nil, err
		}
		r.Payload = []byte(payload)
		r.UpdatedAt = upd.Time
		r.DeletedAt = del.Time
		out = append(out, r)
	}
	return out, rows.Err()
}

// Derive runs a connector's derive statements in one transaction.
func (s *Sink) Derive(ctx context.Context, d connectors.Deriver) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Write(ctx, func(w *store.Writer) error {
		for i, q := range d.DeriveSQL() {
			if _, err := w.Exec(ctx, q); err != nil {
				return fmt.Errorf("sink: derive statement %d: %w", i+1, err)
			}
		}
		return nil
	})
}
