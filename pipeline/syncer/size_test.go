package syncer

import (
	"errors"
	"testing"
)

// parseSize reads DuckDB's displayed sizes, binary and decimal, and refuses anything else.
func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"18.8 GiB": 20186346291, "512.0 MiB": 512 << 20, "1.5 GB": 1_500_000_000,
		"100 bytes": 100, "3 KiB": 3072, " 2 TiB ": 2 << 40} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "18.8", "18.8 GiBs", "-1 MiB", "0 MiB", "x MiB"} {
		if _, err := parseSize(in); !errors.Is(err, errSize) {
			t.Errorf("parseSize(%q): %v, want errSize", in, err)
		}
	}
}
