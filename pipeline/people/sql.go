package people

import (
	"embed"
	"fmt"
)

//go:embed sql/*.sql sql/copy/*.sql
var sqlFS embed.FS

// query returns the embedded statement sql/<name>.sql; a missing file is a programming error.
func query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("people: no embedded query %q", name))
	}
	return string(b)
}
