package export

import (
	"embed"
	"strings"

	"github.com/trainimpact/trainimpact/pipeline/internal/sqltext"
)

//go:embed sql/*.sql
var sqlFS embed.FS

// query returns the embedded statement sql/<name>.sql with each {{KEY}} of repl replaced (pairs of
// key and value, identifiers quoted with ident); a missing file is a programming error.
func query(name string, repl ...string) string {
	return sqltext.Template(sqlFS, "export", name, repl...)
}

// ident quotes an SQL identifier.
func ident(s string) string { return sqltext.Ident(s) }

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
