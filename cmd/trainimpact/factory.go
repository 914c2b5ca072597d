package main

import (
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/queries"
)

// IOStreams are the command's standard streams and whether they are terminals.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY, OutTTY and ErrTTY say whether the streams are terminals: decoration and progress
	// appear only on terminals.
	InTTY, OutTTY, ErrTTY bool
}

// Factory holds what commands depend on; tests replace its parts.
type Factory struct {
	IO IOStreams
	// Now is the clock.
	Now func() time.Time
	// Getenv looks up environment variables (only the config loader reads secrets through it).
	LookupEnv func(string) (string, bool)
	// ConfigPath is set from --config.
	ConfigPath string
	// LogFormat is set from --log-format (auto, text, json); LogLevel from --log-level.
	LogFormat, LogLevel string
	// Quiet is set from --quiet: warnings and errors only, no progress display, no summary.
	Quiet bool
	// Queries returns the catalog of named queries; nil means the embedded one (queries.Default).
	Queries func() (*queries.Catalog, error)

	cfgOnce sync.Once
	cfg     *config.Config
	cfgErr  error
	logger  *slog.Logger
	status  *statusLine
}

// DefaultFactory returns the factory of the real process.
func DefaultFactory() *Factory {
	return &Factory{
		IO: IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
			InTTY: isTerminal(os.Stdin), OutTTY: isTerminal(os.Stdout), ErrTTY: isTerminal(os.Stderr)},
		Now:       time.Now,
		LookupEnv: os.LookupEnv,
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// catalog returns the named queries: f.Queries, or the embedded catalog.
func (f *Factory) catalog() (*queries.Catalog, error) {
	if f.Queries != nil {
		return f.Queries()
	}
	return queries.Default()
}

// Config loads the config file once (lazily: commands that need none never read it).
func (f *Factory) Config() (*config.Config, error) {
	f.cfgOnce.Do(func() {
		path := f.ConfigPath
		if path == "" {
			path = config.DefaultPath
		}
		f.cfg, f.cfgErr = config.Load(path, f.LookupEnv)
	})
	return f.cfg, f.cfgErr
}

// JSONLogs reports whether log lines are JSON: --log-format json, or auto when stderr is not a
// terminal (a scheduler, a pipe, a file).
func (f *Factory) JSONLogs() bool {
	switch f.LogFormat {
	case "json":
		return true
	case "text":
		return false
	}
	return !f.IO.ErrTTY
}

// Logger returns the process logger, writing to stderr: text on a terminal, JSON lines otherwise
// (or as --log-format says), at --log-level (warn with --quiet). On a terminal the log lines and
// the progress display share stderr through one statusLine, so a log line never breaks the
// progress line: the line is cleared, the record written, and the line drawn again below it.
func (f *Factory) Logger() *slog.Logger {
	if f.logger != nil {
		return f.logger
	}
	level := slog.LevelInfo
	switch f.LogLevel {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	if f.Quiet && level < slog.LevelWarn {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	w := f.IO.ErrOut
	if f.IO.ErrTTY {
		w = f.statusLine()
	}
	if f.JSONLogs() {
		f.logger = slog.New(slog.NewJSONHandler(w, opts))
	} else {
		f.logger = slog.New(slog.NewTextHandler(w, opts))
	}
	return f.logger
}

// checkLogFlags rejects a --log-format or --log-level outside their values.
func (f *Factory) checkLogFlags() error {
	switch f.LogFormat {
	case "", "auto", "text", "json":
	default:
		return flagErrorf("--log-format %q: want auto, text or json", f.LogFormat)
	}
	switch f.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		return flagErrorf("--log-level %q: want debug, info, warn or error", f.LogLevel)
	}
	return nil
}
