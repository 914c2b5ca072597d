package sink

import (
	"embed"
	"fmt"
)

//go:embed sql/*.sql
var sqlFS embed.FS

// Query returns the embedded statement sql/<name>.sql; a missing file is a programming error.
func Query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("sink: no embedded query %q", name))
	}
	return string(b)
}
