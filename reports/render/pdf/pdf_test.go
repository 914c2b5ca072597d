package pdf

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestFindBrowserConfiguredMissing(t *testing.T) {
	_, err := FindBrowser(filepath.Join(t.TempDir(), "no-chromium"))
	if !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("err = %v, want ErrNoBrowser", err)
	}
}

func TestPaperSizesMatchConfig(t *testing.T) {
	for _, s := range []string{"A4", "Letter", "Legal", "A3"} {
		if _, ok := Paper[s]; !ok {
			t.Errorf("no paper %s", s)
		}
	}
}
