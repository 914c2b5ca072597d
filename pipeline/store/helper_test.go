package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary act as a second process for tests of DuckDB's file lock: with
// STORE_HELPER_PATH set it only tries a read-only open of that file and reports the outcome.
func TestMain(m *testing.M) {
	if path := os.Getenv("STORE_HELPER_PATH"); path != "" {
		_, err := OpenReadOnly(context.Background(), path)
		if errors.Is(err, ErrLocked) {
			fmt.Println("LOCKED:", err)
		} else {
			fmt.Println("NOT LOCKED:", err)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func testBinary(t *testing.T) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}
