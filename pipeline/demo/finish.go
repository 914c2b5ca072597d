package demo

import (
	"context"

	"github.com/trainimpact/trainimpact/connectors/simulate"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/refresh"
	"github.com/trainimpact/trainimpact/pipeline/workspace"
)

// finish imports the people files, refreshes identities, exposure and views, and analyses.
func finish(ctx context.Context, s *workspace.Session, cfg *config.Config, srv *simulate.Server, res *Result, step func(string)) error {
	step("refreshing identities, exposure and views")
	return refresh.Derived(ctx, s.Store, cfg, srv.Now())
}
