package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Publish makes the working database at s available to analysts at dst: it checkpoints and closes
// s, copies the file to a temporary file beside dst, and renames it over dst. Readers that already
// have dst open keep their view; new opens see the new data. s is closed afterwards, whatever the
// outcome; a failed publish leaves dst as it was.
func (s *Store) Publish(ctx context.Context, dst string) error {
	if err := s.Checkpoint(ctx); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return CopyFile(ctx, s.path, dst)
}

// CopyFile copies a closed database file src to dst atomically (temporary file + rename).
func CopyFile(ctx context.Context, src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("store: publish: create folder: %w", err)
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("store: publish: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return fmt.Errorf("store: publish: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, &ctxReader{ctx: ctx, r: in}); err != nil {
		return fmt.Errorf("store: publish %s: %w", dst, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("store: publish %s: %w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store: publish %s: %w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("store: publish %s: %w", dst, err)
	}
	ok = true
	return nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
