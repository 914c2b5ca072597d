// Package sqltext reads the statement templates a package embeds (its sql/*.sql files) and fills
// their {{KEY}} placeholders: the table and column names that SQL cannot take as parameters.
package sqltext

import (
	"fmt"
	"io/fs"
	"strings"
)

// Template returns sql/<name>.sql of fsys, trimmed, with each {{KEY}} of repl replaced (pairs of
// key and value; identifiers quoted by the caller with Ident). pkg names the calling package in the
// panic a missing file raises: it is a programming error, not a runtime condition.
func Template(fsys fs.FS, pkg, name string, repl ...string) string {
	b, err := fs.ReadFile(fsys, "sql/"+name+".sql")
	if err != nil {
		panic(fmt.Sprintf("%s: no embedded query %q", pkg, name))
	}
	pairs := make([]string, 0, len(repl))
	for i := 0; i+1 < len(repl); i += 2 {
		pairs = append(pairs, "{{"+repl[i]+"}}", repl[i+1])
	}
	return strings.TrimSpace(strings.NewReplacer(pairs...).Replace(string(b)))
}

// Ident quotes an SQL identifier ("a""b" for a"b).
func Ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
