package main

import (
	"context"

	"github.com/trainimpact/trainimpact/pipeline/refresh"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// afterWrite runs the steps every writing command ends with before publishing (see package refresh).
func (f *Factory) afterWrite(ctx context.Context, s *workspace.Session) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	_, err = refresh.Derived(ctx, s.Store, cfg, f.Now())
	return err
}

// begin opens a writing session on the working database (which pseudonymises what it publishes
// when the config asks).
func (f *Factory) begin(ctx context.Context, command string) (*workspace.Session, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	return workspace.Begin(ctx, cfg, command, f.Now)
}
