package planreport

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File names WriteFiles writes.
const (
	FileMarkdown = "plan.md"
	FileJSON     = "plan.json"
	FileChart    = "mde.svg"
	FileOrder    = "order.csv"
)

// WriteFiles writes plan.md, plan.json, mde.svg (when there is a chart) and order.csv into dir
// (created if needed), each beside its final name and renamed over it, and returns their paths.
func WriteFiles(dir string, r *Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("planreport: create %s: %w", dir, err)
	}
	type file struct {
		name  string
		write func(io.Writer, *Report) error
	}
	files := []file{{FileMarkdown, Markdown}, {FileJSON, JSON}, {FileOrder, OrderCSV}}
	if r.ChartSVG != nil {
		files = append(files, file{FileChart, func(w io.Writer, r *Report) error { _, err := w.Write(r.ChartSVG); return err }})
	}
	var out []string
	for _, f := range files {
		var buf bytes.Buffer
		if err := f.write(&buf, r); err != nil {
			return out, err
		}
		path := filepath.Join(dir, f.name)
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
			return out, fmt.Errorf("planreport: write %s: %w", path, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return out, fmt.Errorf("planreport: write %s: %w", path, err)
		}
		out = append(out, path)
	}
	return out, nil
}
