package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

func TestFingerprintSeesChanges(t *testing.T) {
	st := Open(t)
	q := "SELECT * FROM teams ORDER BY ALL"
	empty := Fingerprint(t, st, q)
	write := func(name string) {
		err := st.Write(context.Background(), func(w *store.Writer) error {
			return w.Upsert(context.Background(), []models.Row{models.Team{TeamID: "files:team:a", Name: name, UpdatedAt: time.Unix(0, 0)}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write("a")
	one := Fingerprint(t, st, q)
	if one == empty || Count(t, st, "SELECT count(*) FROM teams") != 1 {
		t.Fatal("a new row did not change the fingerprint")
	}
	write("a")
	if Fingerprint(t, st, q) != one {
		t.Fatal("rewriting the same row changed the fingerprint")
	}
	write("b")
	if Fingerprint(t, st, q) == one {
		t.Fatal("a changed value did not change the fingerprint")
	}
}
