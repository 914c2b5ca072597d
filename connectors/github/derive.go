package github

import (
	_ "embed"
	"strings"
)

//go:embed derive.sql
var deriveSQL string

// DeriveSQL implements connectors.Deriver: the statements of derive.sql (separated by lines
// holding only ";").
func (c *Connector) DeriveSQL() []string {
	var out []string
	for _, s := range strings.Split(deriveSQL, "\n;\n") {
		if strings.TrimSpace(stripComments(s)) != "" {
			out = append(out, s)
		}
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
