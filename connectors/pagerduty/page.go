package pagerduty

import (
	"bytes"
	"encoding/json"
	"errors"
)

// errNotSplit reports a page body splitPage does not take apart itself; decodePage then hands the
// whole body to encoding/json, which either reads it or says precisely what is wrong.
var errNotSplit = errors.New("pagerduty: page not split")

// decodePage reads a classic-paginated page: the items under key (each one a slice of body, kept
// as the API sent it) and the envelope fields (more, total). Items are not validated here: each is
// decoded on its own afterwards, which validates it.
//
// A page is most of the bytes the connector reads, and encoding/json would scan it three times
// before the items are decoded (validate the page, skip over each item, copy it out); splitPage
// scans it once, without copying.
func decodePage(path string, body []byte, key string, p *page) error {
	items, err := splitPage(body, key, p)
	if err == nil {
		p.setItems(key, items)
		return nil
	}
	*p = page{}
	return decode(path, body, p)
}

// splitPage walks the top-level object of body: the array under key is cut into its elements, the
// other members are decoded into p through encoding/json (they are a few short values).
func splitPage(body []byte, key string, p *page) ([]json.RawMessage, error) {
	s := scanner{b: body}
	if !s.byte('{') {
		return nil, errNotSplit
	}
	var items []json.RawMessage
	found := false
	rest := []byte{'{'}
	for first := true; ; first = false {
		if s.byte('}') {
			break
		}
		if !first && !s.byte(',') {
			return nil, errNotSplit
		}
		k0 := s.skipWS()
		if !s.str() {
			return nil, errNotSplit
		}
		name := body[k0:s.i]
		if !s.byte(':') {
			return nil, errNotSplit
		}
		if string(name) == `"`+key+`"` {
			if found || !s.byte('[') {
				return nil, errNotSplit
			}
			found = true
			items = make([]json.RawMessage, 0, 100)
			for n := 0; ; n++ {
				if s.byte(']') {
					break
				}
				if n > 0 && !s.byte(',') {
					return nil, errNotSplit
				}
				v0 := s.skipWS()
				if !s.value() {
					return nil, errNotSplit
				}
				items = append(items, json.RawMessage(body[v0:s.i:s.i]))
			}
			continue
		}
		v0 := s.skipWS()
		if !s.value() {
			return nil, errNotSplit
		}
		if len(rest) > 1 {
			rest = append(rest, ',')
		}
		rest = append(append(append(rest, name...), ':'), body[v0:s.i]...)
	}
	if s.skipWS() != len(body) || !found {
		return nil, errNotSplit
	}
	if err := json.Unmarshal(append(rest, '}'), p); err != nil {
		return nil, errNotSplit
	}
	return items, nil
}

// scanner moves over JSON text without decoding it. Its methods report false on text that is not
// JSON of the expected shape (they never read past the end).
type scanner struct {
	b []byte
	i int
}

// skipWS moves past white space and returns the position reached.
func (s *scanner) skipWS() int {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return s.i
		}
	}
	return s.i
}

// byte consumes c after white space, if it is there.
func (s *scanner) byte(c byte) bool {
	if s.skipWS() < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str moves past a string starting at s.i.
func (s *scanner) str() bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	s.i++
	for {
		j := bytes.IndexAny(s.b[s.i:], "\"\\")
		if j < 0 {
			return false
		}
		s.i += j
		if s.b[s.i] == '"' {
			s.i++
			return true
		}
		if s.i+1 >= len(s.b) {
			return false
		}
		s.i += 2 // a backslash and the character it escapes
	}
}

// value moves past one value starting at s.i: a string, an object or array (brackets counted
// outside strings), or a number or literal.
func (s *scanner) value() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		return s.str()
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if !s.str() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return s.i > start
		}
		s.i++
	}
	return s.i > start
}
