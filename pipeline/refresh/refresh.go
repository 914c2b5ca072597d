// Package refresh holds the steps every writing command ends with before it publishes, so the
// published warehouse is always consistent: identity resolution over the accounts the connectors
// wrote (a sync rewrites account rows, so matches are recomputed every time), the exposure of each
// analysis unit, and the analyst views.
package refresh

import (
	"context"
	"fmt"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/exposure"
	"github.com/trainimpact/trainimpact/pipeline/identity"
	"github.com/trainimpact/trainimpact/pipeline/people"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

// Summary reports what Derived recomputed.
type Summary struct {
	Identity identity.Result
	Units    int
}

// Derived recomputes what depends on more than one source. It is idempotent; each step runs in
// one transaction. today decides which completions lie in the future.
func Derived(ctx context.Context, st *store.Store, cfg *config.Config, today time.Time) (Summary, error) {
	var s Summary
	var err error
	if err = WriteSettings(ctx, st, cfg, today); err != nil {
		return s, err
	}
	if s.Identity, err = identity.Resolve(ctx, st, identity.Options{MatchDisplayName: cfg.People.MatchDisplayName}); err != nil {
		return s, fmt.Errorf("refresh: identities: %w", err)
	}
	units, err := exposure.Write(ctx, st, cfg.Analysis.Unit, cfg.Analysis.Dropouts, today)
	if err != nil {
		return s, fmt.Errorf("refresh: exposure: %w", err)
	}
	s.Units = len(units)
	if err := st.Write(ctx, func(w *store.Writer) error { return queries.CreateViews(ctx, w) }); err != nil {
		return s, fmt.Errorf("refresh: views: %w", err)
	}
	return s, nil
}

// ImportConfigured imports the people files named in the config (teams, cohorts, identities),
// validating all before writing any.
func ImportConfigured(ctx context.Context, st *store.Store, cfg *config.Config, opts people.ImportOptions) ([]people.ImportResult, error) {
	var files []people.File
	for _, f := range []people.File{{Kind: people.KindTeams, Path: cfg.People.Teams},
		{Kind: people.KindCohorts, Path: cfg.People.Cohorts}, {Kind: people.KindIdentities, Path: cfg.People.Identities}} {
		if f.Path != "" {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	return people.ImportFiles(ctx, st, files, opts)
}
