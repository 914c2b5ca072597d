package queries

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// bind rewrites the parameter references of sqlText to positional ? placeholders and returns the
// matching arguments: $name takes values[name] (any number of times); a bare ? takes the next
// declared parameter in order. String literals, quoted identifiers and comments are left alone.
// A $name that is not declared is an error.
func bind(query, sqlText string, declared []Param, values map[string]any) (string, []any, error) {
	return bindMode(query, sqlText, declared, values, true)
}

func bindMode(query, sqlText string, declared []Param, values map[string]any, positional bool) (string, []any, error) {
	isDeclared := map[string]bool{}
	for _, p := range declared {
		isDeclared[p.Name] = true
	}
	var out strings.Builder
	var args []any
	next := 0
	s := sqlText
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(s) {
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c { // doubled quote inside the literal
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(s) {
				return "", nil, &ParamError{Query: query, Param: "-", Msg: "unterminated quote in SQL"}
			}
			out.WriteString(s[i : j+1])
			i = j + 1
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				j = len(s) - i
			}
			out.WriteString(s[i : i+j])
			i += j
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return "", nil, &ParamError{Query: query, Param: "-", Msg: "unterminated /* comment in SQL"}
			}
			out.WriteString(s[i : i+2+j+2])
			i += j + 4
		case c == '$' && i+1 < len(s) && isIdentStart(s[i+1]):
			j := i + 1
			for j < len(s) && isIdent(s[j]) {
				j++
			}
			name := s[i+1 : j]
			if !isDeclared[name] {
				return "", nil, &ParamError{Query: query, Param: name, Msg: "used as $" + name + " but not declared in the header"}
			}
			out.WriteByte('?')
			args = append(args, values[name])
			i = j
		case c == '?':
			if !positional {
				return "", nil, &ParamError{Query: query, Param: "?", Msg: "positional placeholders are not allowed here; use $name"}
			}
			if next >= len(declared) {
				return "", nil, &ParamError{Query: query, Param: "?", Msg: fmt.Sprintf("more ? placeholders than the %d declared parameters", len(declared))}
			}
			out.WriteByte('?')
			args = append(args, values[declared[next].Name])
			next++
			i++
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.String(), args, nil
}

func isIdentStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isIdent(c byte) bool      { return isIdentStart(c) || (c >= '0' && c <= '9') }

// convert parses raw as the declared parameter type.
func convert(typ, raw string) (any, error) {
	switch typ {
	case "string":
		return raw, nil
	case "int":
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", raw)
		}
		return v, nil
	case "float":
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", raw)
		}
		return v, nil
	case "bool":
		v, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", raw)
		}
		return v, nil
	case "date":
		v, err := time.Parse("2006-01-02", raw)
		if err != nil {
			return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD)", raw)
		}
		return v, nil
	case "timestamp":
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
			if v, err := time.Parse(layout, raw); err == nil {
				return v.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%q is not a timestamp (RFC 3339 or YYYY-MM-DD)", raw)
	}
	return nil, fmt.Errorf("unknown type %q", typ)
}

// BindNamed rewrites every $name of sqlText (outside literals and comments) to a positional ?
// placeholder and returns the matching values, for SQL whose parameters are all named (a bare ?
// is an error). query names the text in errors. A $name missing from values is a *ParamError.
func BindNamed(query, sqlText string, values map[string]any) (string, []any, error) {
	declared := make([]Param, 0, len(values))
	for k := range values {
		declared = append(declared, Param{Name: k})
	}
	return bindMode(query, sqlText, declared, values, false)
}
