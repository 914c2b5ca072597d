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
