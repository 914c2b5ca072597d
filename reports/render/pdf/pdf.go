// Package pdf prints the report's HTML to PDF with headless Chromium driven through chromedp: the
// configured paper size, page numbers in the footer, and the HTML's print CSS keeping every chart
// on one page. The browser is the system's (Debian's chromium, or Chrome); none is downloaded.
package pdf

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
)

//go:embed footer.html
var footer string

// ErrNoBrowser reports that no Chromium or Chrome executable was found.
var ErrNoBrowser = errors.New("pdf: no Chromium or Chrome browser found")

// Hint tells a person how to get a browser for the PDF.
const Hint = "install Chromium (Debian/Ubuntu: `apt-get install --no-install-recommends chromium`; macOS: install Google Chrome) or set report.browser in trainimpact.yaml to a Chromium or Chrome executable"

// candidates are the executables looked for on PATH, in order.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell", "chromium-headless-shell"}

// FindBrowser returns the configured browser when set (it must exist), else the first candidate
// on PATH; an error wrapping ErrNoBrowser when there is none.
func FindBrowser(configured string) (string, error) {
	if configured != "" {
		p, err := exec.LookPath(configured)
		if err != nil {
			return "", fmt.Errorf("%w: report.browser %q: %v", ErrNoBrowser, configured, err)
		}
		return p, nil
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// Paper sizes in inches, by report.page_size.
var Paper = map[string][2]float64{
	"A4":     {8.27, 11.69},
	"Letter": {8.5, 11},
	"Legal":  {8.5, 14},
	"A3":     {11.69, 16.54},
}

// Flags are the Chromium options used: chromedp's defaults, headless, no sandbox (containers,
// root), and nothing that talks to the network on its own.
func Flags(userDataDir string) []chromedp.ExecAllocatorOption {
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	return append(opts,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-pings", true),
		chromedp.UserDataDir(userDataDir),
	)
}

// NewBrowser starts the browser at execPath with a fresh profile and opens a tab; cancel stops
// it and removes the profile. Actions run on the returned context.
func NewBrowser(ctx context.Context, execPath string) (context.Context, context.CancelFunc, error) {
	dir, err := os.MkdirTemp("", "trainimpact-chromium-")
	if err != nil {
		return nil, nil, fmt.Errorf("pdf: profile folder: %w", err)
	}
	opts := append(Flags(dir), chromedp.ExecPath(execPath))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	stop := func() { bcancel(); acancel(); os.RemoveAll(dir) }
	if err := chromedp.Do(bctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("pdf: start %s: %w", execPath, err)
	}
	return bctx, stop, nil
}

// Options configure Print.
type Options struct {
	// Browser is the executable (see FindBrowser).
	Browser string
	// PageSize is a key of Paper (default A4).
	PageSize string
	// Timeout bounds the whole print (default 60 s).
	Timeout time.Duration
}

// FileURL is the file:// URL of a local file.
func FileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}

// Print loads the HTML file htmlPath in headless Chromium and writes its PDF to w.
func Print(ctx context.Context, htmlPath string, w io.Writer, o Options) error {
	if o.PageSize == "" {
		o.PageSize = "A4"
	}
	paper, ok := Paper[o.PageSize]
	if !ok {
		return fmt.Errorf("pdf: unknown page size %q", o.PageSize)
	}
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	u, err := FileURL(htmlPath)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	bctx, stop, err := NewBrowser(ctx, o.Browser)
	if err != nil {
		return err
	}
	defer stop()
	tctx, cancel := context.WithTimeout(bctx, o.Timeout)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		return fmt.Errorf("pdf: load %s: %w", htmlPath, err)
	}
	buf, err := chromedp.Run(tctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperSize{Width: paper[0], Height: paper[1]}),
		chromedp.PDFMargins(0.6, 0.55, 0.7, 0.55),
		chromedp.PDFPrintBackground(),
		chromedp.PDFHeaderTemplate("<span></span>"),
		chromedp.PDFFooterTemplate(footer),
	))
	if err != nil {
		return fmt.Errorf("pdf: print %s: %w", htmlPath, err)
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}
