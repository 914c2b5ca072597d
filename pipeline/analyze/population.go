package analyze

import (
	"context"
	"embed"
	"fmt"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

//go:embed sql/*.sql
var sqlFS embed.FS

func sqlText(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name)
	if err != nil {
		panic("analyze: missing embedded sql/" + name) // a build problem, not a data problem
	}
	return string(b)
}

// withExposure runs fn with the exposure table holding rows instead of its own, inside the
// transaction of w, and puts the table's rows back afterwards (also when fn fails; a failure
// rolls the whole transaction back anyway). Run uses it to estimate the population that
// analysis.dropouts does not configure: both populations come from the same metric_events in one
// transaction, and the exposure table is left as refresh wrote it.
func withExposure(ctx context.Context, w *store.Writer, rows []models.Exposure, fn func() ([]models.Estimate, error)) ([]models.Estimate, error) {
	for _, f := range []string{"exposure_save.sql", "exposure_clear.sql"} {
		if _, err := w.Exec(ctx, sqlText(f)); err != nil {
			return nil, fmt.Errorf("analyze: swap exposure (%s): %w", f, err)
		}
	}
	in := make([]models.Row, len(rows))
	for i, r := range rows {
		in[i] = r
	}
	var out []models.Estimate
	err := w.Insert(ctx, in)
	if err == nil {
		out, err = fn()
	}
	for _, f := range []string{"exposure_clear.sql", "exposure_restore.sql", "exposure_drop_saved.sql"} {
		if _, rerr := w.Exec(ctx, sqlText(f)); rerr != nil && err == nil {
			err = fmt.Errorf("analyze: restore exposure (%s): %w", f, rerr)
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
