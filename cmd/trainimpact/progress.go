package main

import (
	"fmt"
	"sync"
)

// progress returns a progress callback that redraws one status line on a terminal, and nil when
// stderr is not a terminal (batch jobs get the summary lines only).
func (f *Factory) progress() func(source, entity string, fetched int) {
	if !f.IO.ErrTTY {
		return nil
	}
	var mu sync.Mutex
	totals := map[string]int{}
	return func(source, entity string, fetched int) {
		mu.Lock()
		defer mu.Unlock()
		totals[source+" "+entity] += fetched
		fmt.Fprintf(f.IO.ErrOut, "\r\033[K%s %s: %d fetched", source, entity, totals[source+" "+entity])
	}
}

// endProgress clears the progress line.
func (f *Factory) endProgress() {
	if f.IO.ErrTTY {
		fmt.Fprint(f.IO.ErrOut, "\r\033[K")
	}
}
