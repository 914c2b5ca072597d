package jiraapi

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// errJQL reports a query outside the supported subset; the handler answers
// 400 with the message, as Jira does for a query it cannot parse.
var errJQL = errors.New("error in the JQL query")

// query is a parsed JQL query: a condition (nil = every issue) and an order.
type query struct {
	where node
	order []orderKey
}

type orderKey struct {
	field string // updated, created, key, id
	desc  bool
}

// node is a JQL condition.
type node interface {
	match(is *org.Issue, st *org.IssueState) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ n node }

func (n andNode) match(is *org.Issue, st *org.IssueState) bool {
	return n.l.match(is, st) && n.r.match(is, st)
}
func (n orNode) match(is *org.Issue, st *org.IssueState) bool {
	return n.l.match(is, st) || n.r.match(is, st)
}
func (n notNode) match(is *org.Issue, st *org.IssueState) bool { return !n.n.match(is, st) }

// projectCond is `project = X`, `project in (X, Y)` (key, id or name) or their negations.
type projectCond struct {
	vals []string
	neg  bool
}

func (c projectCond) match(is *org.Issue, _ *org.IssueState) bool {
	p := is.Project
	in := slices.ContainsFunc(c.vals, func(v string) bool {
		return strings.EqualFold(v, p.Key) || v == p.ID || strings.EqualFold(v, p.Name)
	})
	return in != c.neg
}

// keyCond is `key = X` / `key in (...)` / `issuekey ...`.
type keyCond struct {
	vals []string
	neg  bool
}

func (c keyCond) match(is *org.Issue, _ *org.IssueState) bool {
	in := slices.ContainsFunc(c.vals, func(v string) bool { return strings.EqualFold(v, is.Key) || v == is.ID })
	return in != c.neg
}

// timeCond compares updated or created with an instant.
type timeCond struct {
	field string // updated, created
	op    string
	at    time.Time
}

func (c timeCond) match(is *org.Issue, st *org.IssueState) bool {
	v := is.Created
	if c.field == "updated" {
		v = st.Updated
	}
	switch c.op {
	case ">=":
		return !v.Before(c.at)
	case ">":
		return v.After(c.at)
	case "<=":
		return !v.After(c.at)
	case "<":
		return v.Before(c.at)
	case "=":
		return v.Equal(c.at)
	case "!=":
		return !v.Equal(c.at)
	}
	return false
}

// jqlDateFormats are the absolute date forms Jira accepts, interpreted in
// the searching user's time zone.
var jqlDateFormats = []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02"}

type token struct {
	s      string
	quoted bool
}

func tokenize(s string) ([]token, error) {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(rs) && rs[j] != c {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
				j++
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("%w: unterminated string at position %d", errJQL, i)
			}
			out = append(out, token{b.String(), true})
			i = j + 1
		case c == '(' || c == ')' || c == ',':
			out = append(out, token{string(c), false})
			i++
		case c == '>' || c == '<' || c == '!' || c == '=':
			if i+1 < len(rs) && rs[i+1] == '=' {
				out = append(out, token{string(rs[i : i+2]), false})
				i += 2
			} else if c == '!' {
				return nil, fmt.Errorf("%w: unexpected '!' at position %d", errJQL, i)
			} else {
				out = append(out, token{string(c), false})
				i++
			}
		default:
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || strings.ContainsRune("_-.:/", rs[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("%w: unexpected character %q at position %d", errJQL, c, i)
			}
			out = append(out, token{string(rs[i:j]), false})
			i = j
		}
	}
	return out, nil
}

type parser struct {
	toks []token
	pos  int
	loc  *time.Location
}

func (p *parser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

// keyword reports whether the next token is the unquoted keyword kw (case-insensitive).
func (p *parser) keyword(kw string) bool {
	t, ok := p.peek()
	return ok && !t.quoted && strings.EqualFold(t.s, kw)
}

func (p *parser) next() (token, error) {
	t, ok := p.peek()
	if !ok {
		return token{}, fmt.Errorf("%w: unexpected end of query", errJQL)
	}
	p.pos++
	return t, nil
}

func (p *parser) expect(s string) error {
	t, err := p.next()
	if err != nil {
		return err
	}
	if t.quoted || !strings.EqualFold(t.s, s) {
		return fmt.Errorf("%w: expecting %q but got %q", errJQL, s, t.s)
	}
	return nil
}

// parseJQL parses the supported subset: conditions on project, key, updated
// and created joined by AND, OR, NOT and parentheses, then an optional
// ORDER BY over updated, created, key and id. Anything else is an error.
func parseJQL(s string, loc *time.Location) (*query, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, loc: loc}
	q := &query{}
	if len(toks) > 0 && !p.keyword("order") {
		if q.where, err = p.or(); err != nil {
			return nil, err
		}
	}
	if p.keyword("order") {
		p.pos++
		if err := p.expect("by"); err != nil {
			return nil, err
		}
		for {
			t, err := p.next()
			if err != nil {
				return nil, err
			}
			f := strings.ToLower(t.s)
			if f == "issuekey" {
				f = "key"
			}
			if !slices.Contains([]string{"updated", "created", "key", "id"}, f) {
				return nil, fmt.Errorf("%w: field %q is not supported in ORDER BY", errJQL, t.s)
			}
			k := orderKey{field: f}
			if p.keyword("asc") {
				p.pos++
			} else if p.keyword("desc") {
				p.pos++
				k.desc = true
			}
			q.order = append(q.order, k)
			if t, ok := p.peek(); ok && t.s == "," && !t.quoted {
				p.pos++
				continue
			}
			break
		}
	}
	if t, ok := p.peek(); ok {
		return nil, fmt.Errorf("%w: unexpected %q at the end of the query", errJQL, t.s)
	}
	return q, nil
}

func (p *parser) or() (node, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		p.pos++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *parser) and() (node, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

func (p *parser) unary() (node, error) {
	if p.keyword("not") {
		p.pos++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{n}, nil
	}
	if t, ok := p.peek(); ok && t.s == "(" && !t.quoted {
		p.pos++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return n, nil
	}
	return p.clause()
}

func (p *parser) clause() (node, error) {
	ft, err := p.next()
	if err != nil {
		return nil, err
	}
	field := strings.ToLower(ft.s)
	switch field {
	case "project", "key", "issuekey":
		neg := false
		var vals []string
		switch {
		case p.keyword("in"), p.keyword("not"):
			if p.keyword("not") {
				p.pos++
				neg = true
			}
			if err := p.expect("in"); err != nil {
				return nil, err
			}
			if vals, err = p.list(); err != nil {
				return nil, err
			}
		default:
			op, err := p.next()
			if err != nil {
				return nil, err
			}
			if op.s != "=" && op.s != "!=" {
				return nil, fmt.Errorf("%w: operator %q is not supported for field %q", errJQL, op.s, ft.s)
			}
			neg = op.s == "!="
			v, err := p.next()
			if err != nil {
				return nil, err
			}
			vals = []string{v.s}
		}
		if field == "project" {
			return projectCond{vals, neg}, nil
		}
		return keyCond{vals, neg}, nil
	case "updated", "updateddate", "created", "createddate":
		field = strings.TrimSuffix(field, "date")
		op, err := p.next()
		if err != nil {
			return nil, err
		}
		if !slices.Contains([]string{">=", ">", "<=", "<", "=", "!="}, op.s) || op.quoted {
			return nil, fmt.Errorf("%w: operator %q is not supported for field %q", errJQL, op.s, ft.s)
		}
		v, err := p.next()
		if err != nil {
			return nil, err
		}
		at, err := p.date(v.s)
		if err != nil {
			return nil, err
		}
		return timeCond{field, op.s, at}, nil
	}
	return nil, fmt.Errorf("%w: field %q does not exist or is not supported by this imitation", errJQL, ft.s)
}

func (p *parser) list() ([]string, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out []string
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		out = append(out, t.s)
		sep, err := p.next()
		if err != nil {
			return nil, err
		}
		if sep.s == ")" && !sep.quoted {
			return out, nil
		}
		if sep.s != "," || sep.quoted {
			return nil, fmt.Errorf("%w: expecting ',' or ')' but got %q", errJQL, sep.s)
		}
	}
}

// date parses an absolute JQL date in the user's time zone, as Jira does.
func (p *parser) date(s string) (time.Time, error) {
	for _, f := range jqlDateFormats {
		if t, err := time.ParseInLocation(f, s, p.loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: date value %q is invalid; valid formats include 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd' (relative dates are not supported by this imitation)", errJQL, s)
}

// less orders two issues by the query's ORDER BY (default: created, then id).
func (q *query) less(a, b *org.Issue, sa, sb *org.IssueState) int {
	keys := q.order
	if len(keys) == 0 {
		keys = []orderKey{{field: "created"}}
	}
	for _, k := range keys {
		c := 0
		switch k.field {
		case "updated":
			c = sa.Updated.Compare(sb.Updated)
		case "created":
			c = a.Created.Compare(b.Created)
		case "key":
			c = strings.Compare(a.Project.Key, b.Project.Key)
			if c == 0 {
				c = cmpNum(keyNum(a.Key), keyNum(b.Key))
			}
		case "id":
			c = cmpNum(a.ID, b.ID)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return cmpNum(a.ID, b.ID)
}

func keyNum(k string) string {
	_, n, _ := strings.Cut(k, "-")
	return n
}

// cmpNum compares decimal strings numerically.
func cmpNum(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
