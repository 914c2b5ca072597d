package schemadoc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trainimpact/trainimpact/pipeline/store"
)

func generate(t *testing.T) []byte {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b bytes.Buffer
	if err := Markdown(context.Background(), st.DB(), &b); err != nil {
		t.Fatal(err)
	}
	und, err := Undocumented(context.Background(), st.DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(und) > 0 {
		t.Errorf("tables or columns without COMMENT ON: %v", und)
	}
	return b.Bytes()
}

// TestSchemaDocCurrent fails when docs/schema.md no longer matches the schema. Regenerate it with
// `go run ./cmd/trainimpact schema --markdown > docs/schema.md`.
func TestSchemaDocCurrent(t *testing.T) {
	got := generate(t)
	path := filepath.Join("..", "..", "docs", "schema.md")
	if os.Getenv("UPDATE_SCHEMA_DOC") == "1" {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with: go run ./cmd/trainimpact schema --markdown > docs/schema.md)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/schema.md is stale: run `go run ./cmd/trainimpact schema --markdown > docs/schema.md`")
	}
	if !bytes.Contains(got, []byte("## incidents")) || !bytes.Contains(got, []byte("resolved_at")) {
		t.Fatal("generated documentation lacks the incidents table")
	}
}
