package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/trainimpact/trainimpact/pipeline/refresh"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
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

// afterWrite runs the steps every writing command ends with before publishing (see package refresh).
func (f *Factory) afterWrite(ctx context.Context, s *workspace.Session) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	_, err = refresh.Derived(ctx, s.Store, cfg, f.Now())
	return err
}

// begin opens a writing session on the working database, with the publish hook the config asks
// for (pseudonymisation).
func (f *Factory) begin(ctx context.Context, command string) (*workspace.Session, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	hook, err := refresh.PublishHook(cfg)
	if err != nil {
		return nil, UsageError(err)
	}
	s, err := workspace.Begin(ctx, cfg, command, f.Now)
	if err != nil {
		return nil, err
	}
	s.BeforePublish = hook
	return s, nil
}
