package sqltext

import (
	"testing"
	"testing/fstest"
)

func TestTemplate(t *testing.T) {
	fsys := fstest.MapFS{"sql/clear.sql": {Data: []byte("-- c\nDELETE FROM {{TABLE}} WHERE {{COLUMN}} = ?\n")}}
	got := Template(fsys, "p", "clear", "TABLE", Ident(`we"ird`), "COLUMN", Ident("id"))
	if want := "-- c\nDELETE FROM \"we\"\"ird\" WHERE \"id\" = ?"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	defer func() {
		if r := recover(); r != `p: no embedded query "missing"` {
			t.Errorf("panic %v", r)
		}
	}()
	Template(fsys, "p", "missing")
}
