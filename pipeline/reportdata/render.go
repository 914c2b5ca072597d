package reportdata

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/reports/render/csvout"
	"github.com/trainimpact/trainimpact/reports/render/html"
	"github.com/trainimpact/trainimpact/reports/render/jsonout"
	"github.com/trainimpact/trainimpact/reports/render/md"
	"github.com/trainimpact/trainimpact/reports/render/pdf"
	"github.com/trainimpact/trainimpact/reports/report"
)

// File names written in the output folder.
const (
	FileHTML     = "report.html"
	FilePDF      = "report.pdf"
	FileMarkdown = "report.md"
	FileJSON     = "report.json"
	FileCSV      = "estimates.csv"
)

// Formats are the formats Render writes, in the order it writes them.
var Formats = []string{"html", "md", "json", "csv", "pdf"}

// ErrBadFormat reports a format Render does not know.
var ErrBadFormat = errors.New("reportdata: unknown format")

// Options configure Render; zero values take the config's report: block.
type Options struct {
	// Period is the reporting quarter ("" = the period of the latest analysis).
	Period string
	// Formats to write (default report.formats): html, pdf, md, json, csv.
	Formats []string
	// Out is the output folder (default report.out_dir).
	Out string
	// DB is the warehouse to read (default the configured warehouse).
	DB string
	// Browser prints the PDF (default report.browser, else found on PATH).
	Browser string
	// Now stamps the report (default time.Now).
	Now func() time.Time
}

// Paths are the files Render wrote ("" for a format not written).
type Paths struct {
	Dir                       string
	HTML, PDF, Markdown, JSON string
	CSV                       string
	Charts                    []string
	Period                    string
}

// Render reads the period's report from the warehouse and writes every requested format into the
// output folder (each file written beside its final name and renamed over it). When the PDF is
// requested and no browser is found, it writes the other formats and returns the paths with an
// error wrapping pdf.ErrNoBrowser, whose message says how to get one. The warehouse is opened
// read-only with external access off.
func Render(ctx context.Context, cfg *config.Config, opts Options) (*Paths, error) {
	opts = opts.withDefaults(cfg)
	if err := checkFormats(opts.Formats); err != nil {
		return nil, err
	}
	st, err := store.OpenReadOnlyLocked(ctx, opts.DB) // no file, network or extension access from SQL
	if err != nil {
		return nil, err
	}
	in, err := Load(ctx, st, cfg, opts.Period, opts.Now())
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("reportdata: close %s: %w", opts.DB, cerr)
	}
	if err != nil {
		return nil, err
	}
	return write(ctx, cfg, opts, in)
}

// RenderStore is Render on a database the caller already holds open: `trainimpact run` renders
// from its working database after the analysis and before it publishes, so that a report that
// fails publishes nothing. The connection is not locked down (the caller still writes and
// publishes through it); the report runs only its own embedded queries. opts.DB is ignored.
func RenderStore(ctx context.Context, st *store.Store, cfg *config.Config, opts Options) (*Paths, error) {
	opts = opts.withDefaults(cfg)
	if err := checkFormats(opts.Formats); err != nil {
		return nil, err
	}
	in, err := Load(ctx, st, cfg, opts.Period, opts.Now())
	if err != nil {
		return nil, err
	}
	return write(ctx, cfg, opts, in)
}

// Files lists every file written, the report's formats first, then the Markdown's charts.
func (p *Paths) Files() []string {
	var out []string
	for _, f := range []string{p.HTML, p.PDF, p.Markdown, p.JSON, p.CSV} {
		if f != "" {
			out = append(out, f)
		}
	}
	return append(out, p.Charts...)
}

// withDefaults fills what opts leaves out from cfg's report block.
func (opts Options) withDefaults(cfg *config.Config) Options {
	if opts.Formats == nil {
		opts.Formats = cfg.Report.Formats
	}
	if opts.Out == "" {
		opts.Out = cfg.Report.OutDir
	}
	if opts.DB == "" {
		opts.DB = cfg.Warehouse
	}
	if opts.Browser == "" {
		opts.Browser = cfg.Report.Browser
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return opts
}

// checkFormats refuses a format Render does not write.
func checkFormats(formats []string) error {
	for _, f := range formats {
		if !slices.Contains(Formats, f) {
			return fmt.Errorf("%w %q (want %v)", ErrBadFormat, f, Formats)
		}
	}
	return nil
}

// write builds the report from in and writes it.
func write(ctx context.Context, cfg *config.Config, opts Options, in *report.Input) (*Paths, error) {
	r := report.Build(*in)
	return Write(ctx, r, opts.Out, opts.Formats, pdf.Options{Browser: opts.Browser, PageSize: cfg.Report.PageSize})
}

// Write writes the report r in formats into dir; see Render.
func Write(ctx context.Context, r *report.Report, dir string, formats []string, po pdf.Options) (*Paths, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reportdata: output folder: %w", err)
	}
	p := &Paths{Dir: dir, Period: r.Period}
	want := func(f string) bool { return slices.Contains(formats, f) }
	if want("html") {
		p.HTML = filepath.Join(dir, FileHTML)
		if err := writeFile(p.HTML, func(w io.Writer) error { return html.Render(ctx, w, r) }); err != nil {
			return p, err
		}
	}
	if want("md") {
		p.Markdown = filepath.Join(dir, FileMarkdown)
		if err := os.MkdirAll(filepath.Join(dir, md.ChartDir), 0o755); err != nil {
			return p, fmt.Errorf("reportdata: chart folder: %w", err)
		}
		for _, f := range md.Files(r) {
			name := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := writeFile(name, func(w io.Writer) error { _, err := w.Write(f.SVG); return err }); err != nil {
				return p, err
			}
			p.Charts = append(p.Charts, name)
		}
		if err := writeFile(p.Markdown, func(w io.Writer) error { return md.Render(ctx, w, r) }); err != nil {
			return p, err
		}
	}
	if want("json") {
		p.JSON = filepath.Join(dir, FileJSON)
		if err := writeFile(p.JSON, func(w io.Writer) error { return jsonout.Render(ctx, w, r) }); err != nil {
			return p, err
		}
	}
	if want("csv") {
		p.CSV = filepath.Join(dir, FileCSV)
		if err := writeFile(p.CSV, func(w io.Writer) error { return csvout.Render(ctx, w, r) }); err != nil {
			return p, err
		}
	}
	if want("pdf") {
		exe, err := pdf.FindBrowser(po.Browser)
		if err != nil {
			return p, fmt.Errorf("reportdata: %s was not written (%s): %w", FilePDF, pdf.Hint, err)
		}
		po.Browser = exe
		src := p.HTML
		if src == "" { // the PDF is printed from the HTML, written aside when not asked for
			tmp, err := os.MkdirTemp(dir, ".report-html-")
			if err != nil {
				return p, fmt.Errorf("reportdata: %w", err)
			}
			defer os.RemoveAll(tmp)
			src = filepath.Join(tmp, FileHTML)
			if err := writeFile(src, func(w io.Writer) error { return html.Render(ctx, w, r) }); err != nil {
				return p, err
			}
		}
		p.PDF = filepath.Join(dir, FilePDF)
		if err := writeFile(p.PDF, func(w io.Writer) error { return pdf.Print(ctx, src, w, po) }); err != nil {
			p.PDF = ""
			return p, err
		}
	}
	return p, nil
}

// writeFile writes name through fn into a temporary file beside it and renames it over name.
func writeFile(name string, fn func(w io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("reportdata: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err = fn(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("reportdata: write %s: %w", name, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("reportdata: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("reportdata: write %s: %w", name, err)
	}
	if err = os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("reportdata: %w", err)
	}
	return nil
}
