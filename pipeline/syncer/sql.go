package syncer

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed sql/*.sql
var sqlFS embed.FS

// query returns the embedded statement sql/<name>.sql with each {{KEY}} of repl replaced (pairs of
// key and value, identifiers quoted by the caller); a missing file is a programming error.
func query(name string, repl ...string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("syncer: no embedded query %q", name))
	}
	pairs := make([]string, 0, len(repl))
	for i := 0; i+1 < len(repl); i += 2 {
		pairs = append(pairs, "{{"+repl[i]+"}}", repl[i+1])
	}
	return strings.TrimSpace(strings.NewReplacer(pairs...).Replace(string(b)))
}

// ident quotes an SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
