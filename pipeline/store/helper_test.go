package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

func testBinary(t *testing.T) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// TestHelperOpenReadOnly is run as a child process by TestReadOnlyErrors.
func TestHelperOpenReadOnly(t *testing.T) {
	path := os.Getenv("STORE_HELPER_PATH")
	if path == "" {
		return // not running as a helper; nothing to check here
	}
	_, err := OpenReadOnly(context.Background(), path)
	if errors.Is(err, ErrLocked) {
		fmt.Println("LOCKED:", err)
		return
	}
	fmt.Println("NOT LOCKED:", err)
}
