package export

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed sql/*.sql
var sqlFS embed.FS

// query returns the embedded statement sql/<name>.sql with each {{KEY}} of repl replaced (pairs of
// key and value); a missing file is a programming error.
func query(name string, repl ...string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("export: no embedded query %q", name))
	}
	pairs := make([]string, 0, len(repl))
	for i := 0; i+1 < len(repl); i += 2 {
		pairs = append(pairs, "{{"+repl[i]+"}}", repl[i+1])
	}
	return strings.TrimSpace(strings.NewReplacer(pairs...).Replace(string(b)))
}

// ident quotes an SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// literal quotes an SQL string literal (a file path in COPY … TO, which takes no parameter).
func literal(s string) string { return strings.ReplaceAll(s, `'`, `''`) }

// identList quotes and joins identifiers.
func identList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = ident(n)
	}
	return strings.Join(q, ", ")
}
