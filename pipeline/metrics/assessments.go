package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/trainimpact/trainimpact/queries"
)

// AssessmentPair is one person's first assessment on an instrument before their completion of the
// program and their first on or after it, each as score / max_score. Whose pair it is never leaves
// the database.
type AssessmentPair struct {
	Pre, Post float64
}

// AssessmentPairs returns, per instrument, the pre/post pairs known at cutoff (assessment_pairs.sql),
// in a deterministic order.
func AssessmentPairs(ctx context.Context, db DB, cutoff time.Time) (map[string][]AssessmentPair, error) {
	q, args, err := queries.BindNamed("assessment_pairs.sql", sqlText("assessment_pairs.sql"), map[string]any{"cutoff": cutoff.UTC()})
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: assessment pairs: %w", err)
	}
	defer rows.Close()
	out := map[string][]AssessmentPair{}
	for rows.Next() {
		var instrument string
		var p AssessmentPair
		if err := rows.Scan(&instrument, &p.Pre, &p.Post); err != nil {
			return nil, fmt.Errorf("metrics: assessment pairs: %w", err)
		}
		out[instrument] = append(out[instrument], p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: assessment pairs: %w", err)
	}
	return out, nil
}
