package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// Publish makes the working database at s available to analysts at dst: it checkpoints and closes
// s, copies the file to a temporary file beside dst, gives it mode, and renames it over dst.
// Readers that already have dst open keep their view; new opens see the new data. s is closed
// afterwards, whatever the outcome; a failed publish leaves dst as it was.
func (s *Store) Publish(ctx context.Context, dst string, mode os.FileMode) error {
	if err := s.Checkpoint(ctx); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return CopyFile(ctx, s.path, dst, mode)
}

// TempPattern is the pattern (os.CreateTemp) of the temporary file CopyFile writes beside dst;
// TempGlob matches what an interrupted copy leaves.
func TempPattern(dst string) string { return "." + filepath.Base(dst) + ".*.tmp" }

// TempGlob returns the glob of CopyFile's temporary files for dst.
func TempGlob(dst string) string { return filepath.Join(filepath.Dir(dst), TempPattern(dst)) }

// CopyFile copies a closed database file src to dst atomically (temporary file + rename), with
// mode on the new file whatever the umask.
func CopyFile(ctx context.Context, src, dst string, mode os.FileMode) error {
	if err := publishDir(filepath.Dir(dst), mode); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("store: publish: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), TempPattern(dst))
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
	if err := tmp.Chmod(mode); err != nil {
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

// MoveFile moves the closed database file src over dst with mode: a rename when both are on one
// file system, otherwise CopyFile and the removal of src. Either way dst is replaced whole or not
// at all.
func MoveFile(ctx context.Context, src, dst string, mode os.FileMode) error {
	if err := os.Chmod(src, mode); err != nil {
		return fmt.Errorf("store: publish %s: %w", dst, err)
	}
	if err := publishDir(filepath.Dir(dst), mode); err != nil {
		return err
	}
	err := os.Rename(src, dst)
	if err == nil {
		return syncDir(filepath.Dir(dst))
	}
	if !errors.Is(err, syscall.EXDEV) {
		return fmt.Errorf("store: publish %s: %w", dst, err)
	}
	if err := CopyFile(ctx, src, dst, mode); err != nil {
		return err
	}
	return os.Remove(src)
}

// publishDir creates the warehouse's folder when it is missing, readable by whom the file is
// (mode 0640 gives 0750, 0644 gives 0755, 0600 gives 0700) whatever the umask; an existing folder
// is left as it is.
func publishDir(dir string, mode os.FileMode) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store: publish: create folder: %w", err)
	}
	if err := os.Chmod(dir, 0o700|(mode&0o044)|(mode&0o044)>>2); err != nil {
		return fmt.Errorf("store: publish: create folder: %w", err)
	}
	return nil
}

// syncDir makes a rename inside dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	d.Sync()
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
