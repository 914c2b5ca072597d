package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/trainimpact/trainimpact/models"
)

// bulkThreshold is the batch size (rows of one table) from which Upsert and
// Insert stage rows in a temporary CSV file that DuckDB reads in parallel, instead of feeding them
// through the appender value by value. Smaller batches use the appender. Both paths store the same
// values.
const bulkThreshold = 5000

// errNotEncodable reports a batch the CSV path cannot carry exactly; the caller uses the appender.
var errNotEncodable = errors.New("store: value not representable in the bulk file")

// colKind is how a column's values are written to, and read back from, the bulk file.
type colKind int

const (
	kindText      colKind = iota // VARCHAR: quoted string
	kindInt                      // integer types: decimal digits
	kindFloat                    // DOUBLE/FLOAT: shortest round-trip decimal
	kindBool                     // BOOLEAN: true/false
	kindTimestamp                // TIMESTAMPTZ: ISO text with +00 offset, microseconds
	kindDate                     // DATE: YYYY-MM-DD
	kindJSON                     // JSON: jsonText, quoted; cast back to JSON
	kindList                     // VARCHAR[]: JSON array text, quoted; from_json back to a list
)

// column is one column of a table as the catalog describes it.
type column struct {
	name string
	typ  string // DuckDB type name from the catalog
	kind colKind
	ok   bool // false: a type the bulk path does not handle
}

// columnTypes are the catalog types the store writes: how the bulk file carries each, and its type
// in the appender's chunk (a VARCHAR[] chunk column is a list of VARCHAR).
var columnTypes = map[string]struct {
	kind  colKind
	chunk duckdb.Type
}{
	"VARCHAR":                  {kindText, duckdb.TYPE_VARCHAR},
	"TINYINT":                  {kindInt, duckdb.TYPE_TINYINT},
	"SMALLINT":                 {kindInt, duckdb.TYPE_SMALLINT},
	"INTEGER":                  {kindInt, duckdb.TYPE_INTEGER},
	"BIGINT":                   {kindInt, duckdb.TYPE_BIGINT},
	"UTINYINT":                 {kindInt, duckdb.TYPE_UTINYINT},
	"USMALLINT":                {kindInt, duckdb.TYPE_USMALLINT},
	"UINTEGER":                 {kindInt, duckdb.TYPE_UINTEGER},
	"UBIGINT":                  {kindInt, duckdb.TYPE_UBIGINT},
	"HUGEINT":                  {kindInt, duckdb.TYPE_HUGEINT},
	"DOUBLE":                   {kindFloat, duckdb.TYPE_DOUBLE},
	"FLOAT":                    {kindFloat, duckdb.TYPE_FLOAT},
	"BOOLEAN":                  {kindBool, duckdb.TYPE_BOOLEAN},
	"TIMESTAMP WITH TIME ZONE": {kindTimestamp, duckdb.TYPE_TIMESTAMP_TZ},
	"DATE":                     {kindDate, duckdb.TYPE_DATE},
	"JSON":                     {kindJSON, duckdb.TYPE_VARCHAR},
	"VARCHAR[]":                {kindList, duckdb.TYPE_LIST},
}

func kindOf(typ string) (colKind, bool) {
	t, ok := columnTypes[typ]
	return t.kind, ok
}

// csvType is the type read_csv parses a column as.
func (c column) csvType() string {
	switch c.kind {
	case kindJSON, kindList:
		return "VARCHAR"
	case kindTimestamp:
		return "TIMESTAMPTZ"
	}
	return c.typ
}

// selectExpr turns the read column back into the table's type.
func (c column) selectExpr() string {
	q := quoteIdent(c.name)
	switch c.kind {
	case kindJSON:
		return "CAST(" + q + " AS JSON) AS " + q
	case kindList:
		return `from_json(` + q + `, '["VARCHAR"]') AS ` + q
	}
	return q
}

// readCSV is the read_csv call that reads a staged file with the table's columns. path is a file the
// store created; identifiers come from the catalog.
func readCSV(cols []column, path string, maxLine int) string {
	spec := make([]string, len(cols))
	for i, c := range cols {
		spec[i] = "'" + strings.ReplaceAll(c.name, "'", "''") + "': '" + c.csvType() + "'"
	}
	// read_csv needs max_line_size above the longest row and a buffer several lines long.
	maxLine = max(maxLine+1024, 2<<20)
	buffer := 4 * maxLine
	return fmt.Sprintf(`read_csv('%s', columns = {%s}, header = false, auto_detect = false, delim = ',', `+
		`quote = '%c', escape = '%c', nullstr = '\N', allow_quoted_nulls = false, max_line_size = %d, buffer_size = %d)`,
		strings.ReplaceAll(path, "'", "''"), strings.Join(spec, ", "), bulkQuote, bulkQuote, maxLine, buffer)
}

// bulkSQL builds the statement that moves the staged file into the table: a plain insert when key is
// empty, otherwise an upsert.
func bulkSQL(table string, cols []column, key []string, src string) string {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = c.selectExpr()
	}
	return insertSQL(table, cols, key, sel, src)
}

// conflictSQL asks whether any staged row's key is already in the table. Inside a transaction
// DuckDB's INSERT … ON CONFLICT costs about two and a half times a plain INSERT even when nothing
// conflicts (measured: 200k 1 KB payloads in 5,000-row commits, 5.2 s against 2.1 s), while this
// hash join costs a fraction of the difference, so a segment whose keys are all new is inserted
// plainly. The staged keys themselves are de-duplicated before the file is written.
func conflictSQL(table string, key []string, src string) string {
	on := make([]string, len(key))
	for i, k := range key {
		on[i] = fmt.Sprintf("t.%s = s.%s", quoteIdent(k), quoteIdent(k))
	}
	return fmt.Sprintf("SELECT EXISTS (SELECT 1 FROM %s AS s JOIN %s AS t ON %s)", src, quoteIdent(table), strings.Join(on, " AND "))
}

// bulkSegment is how many rows go into one staged file and one statement; the next segment is
// encoded while DuckDB reads the previous one. Measured on 1M incidents, one statement for the whole
// batch beats 128Ki-row segments (each statement and the commit cost more than the overlap saves),
// so segments only bound the size of one file.
const bulkSegment = 1 << 22

// segment is one staged file, ready to be read.
type segment struct {
	path    string
	maxLine int
	end     int // index in rows after the segment's last row
	err     error
}

// bulkLoad writes rows through temporary CSV files, each moved into the table by one
// INSERT … SELECT FROM read_csv statement (with ON CONFLICT DO UPDATE when key is set). Segments are
// applied in order, so a key repeated across segments keeps its last row; a key repeated inside one
// segment is de-duplicated before it is written. It returns how many leading rows were written:
// fewer than len(rows) only together with an error, and with errNotEncodable when a value cannot be
// carried exactly through the file (the caller writes the rest another way).
func (w *Writer) bulkLoad(ctx context.Context, table string, rows []models.Row, key []string) (int, error) {
	cols, ok := w.s.cols[table]
	if !ok || len(cols) != len(models.Columns(table)) {
		return 0, errNotEncodable
	}
	for _, c := range cols {
		if !c.ok {
			return 0, errNotEncodable
		}
	}
	var keyPos []int
	if len(key) > 0 {
		keyPos = keyPositions(models.Columns(table), key)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	segs := make(chan segment, 1)
	go func() {
		defer close(segs)
		for lo := 0; lo < len(rows); lo += w.s.bulkSeg {
			hi := min(len(rows), lo+w.s.bulkSeg)
			seg := stage(ctx, w.s.stageDir(), cols, rows[lo:hi], keyPos)
			seg.end = hi
			select {
			case segs <- seg:
			case <-ctx.Done():
				os.Remove(seg.path)
				return
			}
			if seg.err != nil {
				return
			}
		}
	}()
	done := 0
	var err error
	for seg := range segs {
		if err == nil {
			switch {
			case seg.err != nil:
				err = seg.err
			default:
				src := readCSV(cols, seg.path, seg.maxLine)
				k := key
				if len(k) > 0 {
					var conflict bool
					if xerr := w.conn.QueryRowContext(ctx, conflictSQL(table, k, src)).Scan(&conflict); xerr != nil {
						err = fmt.Errorf("store: write %s: %w", table, xerr)
						break
					}
					if !conflict {
						k = nil
					}
				}
				if _, xerr := w.conn.ExecContext(ctx, bulkSQL(table, cols, k, src)); xerr != nil {
					err = fmt.Errorf("store: write %s: %w", table, xerr)
				} else {
					done = seg.end
				}
			}
			if err != nil {
				cancel()
			}
		}
		if seg.path != "" {
			os.Remove(seg.path)
		}
	}
	if err == nil && done < len(rows) {
		err = ctx.Err() // cancelled between segments
	}
	return done, err
}

// stage writes rows into a new temporary file, de-duplicating keys when needed.
func stage(ctx context.Context, dir string, cols []column, rows []models.Row, keyPos []int) segment {
	f, err := createTemp(dir)
	if err != nil {
		return segment{err: fmt.Errorf("store: bulk file: %w", err)}
	}
	seg := segment{path: f.Name()}
	seg.maxLine, err = writeBulk(ctx, f, cols, rows, keyPos)
	if errors.Is(err, errDuplicateKey) {
		// Rare: keep the last row per key and encode again.
		if _, err = f.Seek(0, 0); err == nil {
			if err = f.Truncate(0); err == nil {
				seg.maxLine, err = writeBulk(ctx, f, cols, dedupeLast(rows, keyPos), keyPos)
			}
		}
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, errNotEncodable) && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("store: bulk file %s: %w", seg.path, err)
	}
	seg.err = err
	return seg
}

// stageDir is the folder of the database file, or "" (the system temporary folder) for an
// in-memory database.
func (s *Store) stageDir() string {
	if s.path == "" || strings.HasPrefix(s.path, ":memory:") {
		return ""
	}
	return filepath.Dir(s.path)
}

// createTemp makes the staging file beside the database, or in the system temporary folder when
// that folder is not writable.
func createTemp(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".trainimpact-bulk-*.csv")
	if err == nil {
		return f, nil
	}
	return os.CreateTemp("", "trainimpact-bulk-*.csv")
}

// A chunk of rows is encoded by one worker into one buffer: at most bulkChunk rows, and about
// bulkChunkBytes of text (fewer rows when they are wide: 8,192 raw payloads of ≈ 1.2 KB made
// 10 MB buffers that grew by copying, and came back from the pool's cleared slots as fresh
// memory the kernel had to fault in).
const (
	bulkChunk      = 8192
	bulkChunkBytes = 1 << 20
)

// chunkRows is how many rows go into one chunk, judged by the width of the first row.
func chunkRows(cols []column, rows []models.Row) int {
	if len(rows) == 0 {
		return bulkChunk
	}
	c := encodeRows(cols, rows[:1], nil)
	defer putBuf(c.buf)
	if c.err != nil || len(c.buf) == 0 {
		return bulkChunk
	}
	return min(bulkChunk, max(64, bulkChunkBytes/len(c.buf)))
}

// errDuplicateKey reports a batch repeating a key; the caller de-duplicates and writes again.
var errDuplicateKey = errors.New("store: batch repeats a key")

// writeBulk encodes rows into f, chunk by chunk on all cores, keeping row order. When keyPos is set
// it fails with errDuplicateKey as soon as two rows share the key at those value positions (the
// check runs here so that each row's Values is computed once). It returns the length of the longest
// line.
func writeBulk(ctx context.Context, f *os.File, cols []column, rows []models.Row, keyPos []int) (int, error) {
	type job struct {
		lo, hi int
		out    chan chunk
	}
	per := chunkRows(cols, rows)
	nChunks := (len(rows) + per - 1) / per
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job)
	results := make(chan chan chunk, 2*workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- encodeRows(cols, rows[j.lo:j.hi], keyPos)
			}
		}()
	}
	go func() {
		defer close(results)
		defer close(jobs)
		for i := range nChunks {
			// The job goes out before its result slot, so every slot the reader waits on is filled.
			out := make(chan chunk, 1)
			select {
			case jobs <- job{lo: i * per, hi: min(len(rows), (i+1)*per), out: out}:
			case <-ctx.Done():
				return
			}
			select {
			case results <- out:
			case <-ctx.Done():
				return
			}
		}
	}()
	var seen map[string]struct{}
	if keyPos != nil {
		seen = make(map[string]struct{}, len(rows))
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	maxLine := 0
	var err error
	fail := func(e error) {
		if err == nil {
			err = e
			cancel()
		}
	}
	for out := range results {
		c := <-out
		switch {
		case err != nil:
			continue
		case c.err != nil:
			fail(c.err)
			continue
		}
		if cerr := ctx.Err(); cerr != nil {
			fail(cerr)
			continue
		}
		for _, k := range c.keys {
			if _, dup := seen[k]; dup {
				fail(errDuplicateKey)
				break
			}
			seen[k] = struct{}{}
		}
		if err != nil {
			continue
		}
		maxLine = max(maxLine, c.maxLine)
		if _, werr := bw.Write(c.buf); werr != nil {
			fail(werr)
		}
		putBuf(c.buf)
	}
	wg.Wait()
	if err != nil {
		return 0, err
	}
	return maxLine, bw.Flush()
}

var bufPool sync.Pool

func getBuf() []byte {
	if b, ok := bufPool.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, bulkChunkBytes+bulkChunkBytes/4)
}

func putBuf(b []byte) { bufPool.Put(&b) }

// chunk is the encoded form of consecutive rows.
type chunk struct {
	buf     []byte
	keys    []string // each row's key, when asked for
	maxLine int
	err     error
}

// encodeRows renders rows as CSV lines, with each row's key when keyPos is set.
func encodeRows(cols []column, rows []models.Row, keyPos []int) chunk {
	c := chunk{buf: getBuf()}
	if keyPos != nil {
		c.keys = make([]string, len(rows))
	}
	buf := c.buf
	for ri, r := range rows {
		start := len(buf)
		vals := r.Values()
		if len(vals) != len(cols) {
			c.err = fmt.Errorf("store: %s row has %d values for %d columns", r.Table(), len(vals), len(cols))
			return c
		}
		for i, v := range vals {
			if i > 0 {
				buf = append(buf, ',')
			}
			var ok bool
			buf, ok = appendValue(buf, cols[i].kind, v)
			if !ok {
				c.err = errNotEncodable
				return c
			}
		}
		buf = append(buf, '\n')
		c.maxLine = max(c.maxLine, len(buf)-start)
		if keyPos != nil {
			c.keys[ri] = keyOf(vals, keyPos)
		}
	}
	c.buf = buf
	return c
}

// appendValue writes one value in the file's form for the column kind, reporting false when the
// value cannot be carried exactly (the batch then goes through the appender).
func appendValue(buf []byte, kind colKind, v driver.Value) ([]byte, bool) {
	if v == nil {
		return append(buf, `\N`...), true
	}
	switch kind {
	case kindText:
		s, ok := v.(string)
		if !ok || !safeText(s) {
			return buf, false
		}
		return appendQuoted(buf, s), true
	case kindInt:
		switch n := v.(type) {
		case int32:
			return strconv.AppendInt(buf, int64(n), 10), true
		case int64:
			return strconv.AppendInt(buf, n, 10), true
		case int:
			return strconv.AppendInt(buf, int64(n), 10), true
		}
	case kindFloat:
		if x, ok := v.(float64); ok {
			switch {
			case math.IsNaN(x):
				return append(buf, "nan"...), true
			case math.IsInf(x, 1):
				return append(buf, "inf"...), true
			case math.IsInf(x, -1):
				return append(buf, "-inf"...), true
			}
			return strconv.AppendFloat(buf, x, 'g', -1, 64), true
		}
	case kindBool:
		if b, ok := v.(bool); ok {
			if b {
				return append(buf, "true"...), true
			}
			return append(buf, "false"...), true
		}
	case kindTimestamp:
		if t, ok := v.(time.Time); ok {
			return appendTimestamp(buf, t)
		}
	case kindDate:
		if t, ok := v.(time.Time); ok {
			// The appender stores Unix seconds / 86400 (truncated) as the day number.
			return appendDate(buf, t.Unix()/86400)
		}
	case kindJSON:
		if raw, ok := v.(json.RawMessage); ok {
			// A payload is copied straight from the page it came in (jsonText would copy it into a
			// string first: for raw_records, a second copy of every payload).
			if bytes.IndexByte(raw, 0) >= 0 || !utf8.Valid(raw) {
				return buf, false
			}
			return appendQuoted(buf, []byte(raw)), true
		}
		text, err := jsonText(v)
		if err != nil || !safeText(text) {
			return buf, false
		}
		return appendQuoted(buf, text), true
	case kindList:
		l, ok := v.([]any)
		if !ok {
			return buf, false
		}
		ss := make([]string, len(l))
		for i, e := range l {
			s, ok := e.(string)
			if !ok || !safeText(s) {
				return buf, false
			}
			ss[i] = s
		}
		b, err := json.Marshal(ss)
		if err != nil {
			return buf, false
		}
		return appendQuoted(buf, b), true
	}
	return buf, false
}

// jsonText is the text stored in a JSON column for a value: a json.RawMessage verbatim (raw_records
// keep each payload exactly as the API returned it; DuckDB validates it on the cast to JSON), any
// other value as json.Marshal renders it. Both write paths store this text.
func jsonText(v any) (string, error) {
	if raw, ok := v.(json.RawMessage); ok {
		return string(raw), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// safeText reports whether a string survives the CSV reader unchanged: valid UTF-8 without NUL.
func safeText(s string) bool {
	return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}

// bulkQuote quotes every text field of the staged file, and is doubled inside one. It is a control
// character that JSON text never holds unescaped and ordinary text rarely does, so payloads and
// titles are copied as they are — with '"' every quote of a JSON payload had to be doubled, which
// cost more than the rest of the encoding and slowed DuckDB's reader threefold.
const bulkQuote = '\x01'

// appendQuoted writes s between two bulkQuote characters, doubling each one inside. s is a string or
// the bytes of one (a payload is quoted from its bytes, without a string copy).
func appendQuoted[T string | []byte](buf []byte, s T) []byte {
	buf = append(buf, bulkQuote)
	for {
		i := indexByte(s, bulkQuote)
		if i < 0 {
			break
		}
		buf = append(buf, s[:i+1]...)
		buf = append(buf, bulkQuote)
		s = s[i+1:]
	}
	buf = append(buf, s...)
	return append(buf, bulkQuote)
}

// indexByte is strings.IndexByte or bytes.IndexByte, as s is held.
func indexByte[T string | []byte](s T, c byte) int {
	switch v := any(s).(type) {
	case string:
		return strings.IndexByte(v, c)
	case []byte:
		return bytes.IndexByte(v, c)
	}
	panic("unreachable")
}

// appendTimestamp writes t as UTC with microseconds (truncated toward the past, as the appender's
// UnixMicro does) and an explicit +00 offset.
func appendTimestamp(buf []byte, t time.Time) ([]byte, bool) {
	us := t.UnixMicro()
	day, rem := us/86_400_000_000, us%86_400_000_000
	if rem < 0 {
		day--
		rem += 86_400_000_000
	}
	buf, ok := appendDate(buf, day)
	if !ok {
		return buf, false
	}
	sec, frac := rem/1_000_000, rem%1_000_000
	buf = append(buf, ' ')
	buf = append2(buf, sec/3600)
	buf = append(buf, ':')
	buf = append2(buf, sec/60%60)
	buf = append(buf, ':')
	buf = append2(buf, sec%60)
	buf = append(buf, '.')
	buf = append2(buf, frac/10000)
	buf = append2(buf, frac/100%100)
	buf = append2(buf, frac%100)
	return append(buf, "+00"...), true
}

// appendDate writes the civil date of a day number counted from 1970-01-01 (H. Hinnant's
// civil_from_days), refusing years outside 1..9999.
func appendDate(buf []byte, days int64) ([]byte, bool) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 1 || y > 9999 {
		return buf, false
	}
	buf = append2(buf, y/100)
	buf = append2(buf, y%100)
	buf = append(buf, '-')
	buf = append2(buf, m)
	buf = append(buf, '-')
	return append2(buf, d), true
}

func append2(buf []byte, n int64) []byte { return append(buf, byte('0'+n/10), byte('0'+n%10)) }
