// Package refresh holds the steps every writing command ends with before it publishes, so the
// published warehouse is always consistent: identity resolution over the accounts the connectors
// wrote, the exposure of each analysis unit, and the analyst views.
package refresh

import (
	"context"
	"time"

	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
	"github.com/trainimpact/trainimpact/queries"
)

// Derived recomputes what depends on more than one source: it is idempotent and runs in one
// transaction per step.
func Derived(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) error {
	return st.Write(ctx, func(w *store.Writer) error { return queries.CreateViews(ctx, w) })
}
