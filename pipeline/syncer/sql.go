package syncer

import (
	"embed"

	"github.com/trainimpact/trainimpact/pipeline/internal/sqltext"
)

//go:embed sql/*.sql
var sqlFS embed.FS

// query returns the embedded statement sql/<name>.sql with each {{KEY}} of repl replaced (pairs of
// key and value, identifiers quoted with ident); a missing file is a programming error.
func query(name string, repl ...string) string {
	return sqltext.Template(sqlFS, "syncer", name, repl...)
}

// ident quotes an SQL identifier.
func ident(s string) string { return sqltext.Ident(s) }
