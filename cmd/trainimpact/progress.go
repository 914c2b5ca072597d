package main

import (
	"fmt"
	"io"
	"sync"
)

// statusLine is stderr on a terminal, shared by the log handler and the progress display: the
// progress line stays the last line on the screen; a log record clears it, is written on its own
// line, and the progress line is drawn again beneath it.
type statusLine struct {
	mu   sync.Mutex
	w    io.Writer
	line string
}

const clearLine = "\r\033[K"

// Write writes one log record (slog handlers write a record in one call).
func (s *statusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line != "" {
		io.WriteString(s.w, clearLine)
	}
	n, err := s.w.Write(p)
	if s.line != "" {
		io.WriteString(s.w, s.line)
	}
	return n, err
}

// set replaces the progress line.
func (s *statusLine) set(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.line = line
	io.WriteString(s.w, clearLine+line)
}

// clear removes the progress line.
func (s *statusLine) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.line != "" {
		io.WriteString(s.w, clearLine)
		s.line = ""
	}
}

// statusLine returns the terminal's shared status line (created once).
func (f *Factory) statusLine() *statusLine {
	if f.status == nil {
		f.status = &statusLine{w: f.IO.ErrOut}
	}
	return f.status
}

// progress returns a progress callback that redraws one status line on a terminal, and nil when
// stderr is not a terminal or --quiet is set (batch jobs get the summary log lines only).
func (f *Factory) progress() func(source, entity string, fetched int) {
	if !f.IO.ErrTTY || f.Quiet {
		return nil
	}
	st := f.statusLine()
	var mu sync.Mutex
	totals := map[string]int{}
	return func(source, entity string, fetched int) {
		mu.Lock()
		defer mu.Unlock()
		totals[source+" "+entity] += fetched
		st.set(fmt.Sprintf("%s %s: %d fetched", source, entity, totals[source+" "+entity]))
	}
}

// endProgress clears the progress line.
func (f *Factory) endProgress() {
	if f.IO.ErrTTY {
		f.statusLine().clear()
	}
}

// step returns a callback that shows the stage a job is in on the progress line, and nil when
// stderr is not a terminal or --quiet is set.
func (f *Factory) step() func(stage string) {
	if !f.IO.ErrTTY || f.Quiet {
		return nil
	}
	st := f.statusLine()
	return func(stage string) { st.set(stage + "…") }
}
