package people

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxFileSize is the largest people file Import reads (64 MiB).
const MaxFileSize = 64 << 20

// table is a parsed CSV file: the header's column positions and the data records with their lines.
type table struct {
	col     map[string]int // column name -> field index
	names   []string       // expected names, in the canonical order
	records []record
}

type record struct {
	line   int
	fields []string // trimmed
	cols   []int    // 1-based CSV column of each field (its index + 1)
}

// get returns the trimmed value of the named column.
func (r record) get(t *table, name string) string { return r.fields[t.col[name]] }

// column returns the 1-based CSV column of the named column.
func (t *table) column(name string) int { return t.col[name] + 1 }

// readTable parses data as a comma-separated file whose header must hold exactly the columns want
// (in any order, case-insensitive). Problems found go to p; the returned table is nil when the
// header cannot be used.
func readTable(data []byte, want []string, p *problems) *table {
	expected := strings.Join(want, ",")
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		p.add(1, 0, "", "the file is UTF-16; save it as UTF-8 CSV")
		return nil
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if len(bytes.TrimSpace(data)) == 0 {
		p.add(1, 0, "", "the file is empty; expected the header %s and one row per line", expected)
		return nil
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte{'\n'})
		p.add(line, 0, "", "not UTF-8 text (is this a spreadsheet or binary file? export it as UTF-8 CSV)")
		return nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		line := 1 + bytes.Count(data[:bytes.IndexByte(data, 0)], []byte{'\n'})
		p.add(line, 0, "", "the file contains NUL bytes (is this a binary file? export it as UTF-8 CSV)")
		return nil
	}
	first, _, _ := bytes.Cut(data, []byte{'\n'})
	if !bytes.ContainsRune(first, ',') {
		for _, d := range []struct {
			r    rune
			name string
		}{{';', "semicolons (;)"}, {'\t', "tabs"}, {'|', "vertical bars (|)"}} {
			if bytes.ContainsRune(first, d.r) {
				p.add(1, 0, "", "fields are separated by %s; only comma-separated files are accepted (export as CSV with a comma delimiter)", d.name)
				return nil
			}
		}
	}

	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		p.add(1, 0, "", "cannot read the header: %s", csvMessage(err))
		return nil
	}
	t := &table{col: map[string]int{}, names: want}
	known := map[string]bool{}
	for _, w := range want {
		known[w] = true
	}
	for _, h := range header {
		if name := strings.TrimSpace(h); strings.Contains(name, "@") || isDate(name) {
			p.add(1, 0, "", "missing header: the first line looks like data; add the header %s as the first line", expected)
			return nil
		}
	}
	headerOK := true
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !known[name]:
			p.add(1, i+1, "", "unknown column %q; the header must be %s", strings.TrimSpace(h), expected)
			headerOK = false
		case hasIndex(t.col, name):
			p.add(1, i+1, name, "column %q appears twice", name)
			headerOK = false
		default:
			t.col[name] = i
		}
	}
	for _, w := range want {
		if _, ok := t.col[w]; !ok {
			p.add(1, 0, "", "missing column %q; the header must be %s", w, expected)
			headerOK = false
		}
	}
	if !headerOK {
		return nil
	}
	for {
		fields, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if errors.Is(pe.Err, csv.ErrQuote) {
					p.add(pe.StartLine, 0, "", "%s", csvMessage(pe.Err))
				} else {
					p.add(pe.Line, csvColumn(data, pe), "", "%s", csvMessage(pe.Err))
				}
				continue
			}
			p.add(0, 0, "", "%s", csvMessage(err))
			continue
		}
		line, _ := r.FieldPos(0)
		blank := true
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
			if fields[i] != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if len(fields) != len(header) {
			p.add(line, 0, "", "%d fields, expected %d (%s)", len(fields), len(header), expected)
			continue
		}
		rec := record{line: line, fields: fields, cols: make([]int, len(fields))}
		for i := range fields {
			rec.cols[i] = i + 1
		}
		t.records = append(t.records, rec)
	}
	return t
}

func hasIndex(m map[string]int, name string) bool { _, ok := m[name]; return ok }

// csvColumn converts the byte column of a csv.ParseError into a 1-based field number on its line.
func csvColumn(data []byte, pe *csv.ParseError) int {
	start := 0
	for l := 1; l < pe.Line; l++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return 0
		}
		start += i + 1
	}
	end := start + pe.Column - 1
	if end > len(data) || end < start {
		return 0
	}
	return 1 + bytes.Count(data[start:end], []byte{','})
}

func csvMessage(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return `a quote (") inside an unquoted field; quote the whole field and double inner quotes`
	case errors.Is(err, csv.ErrQuote):
		return `a quoted field starting on this line is not closed, or text follows its closing quote`
	}
	return err.Error()
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// dateLayout is the only accepted date format.
const dateLayout = time.DateOnly

func isDate(s string) bool { _, err := time.Parse(dateLayout, s); return err == nil }

// parseDate parses YYYY-MM-DD as a UTC date.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q, expected YYYY-MM-DD", s)
	}
	return t, nil
}

// day truncates t to its UTC calendar date.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
