package jira

import (
	_ "embed"
	"strings"
)

//go:embed derive.sql
var deriveSQL string

// DeriveSQL implements connectors.Deriver: idempotent statements that recompute
// tickets.reopen_count (moves out of the done category), first_in_progress_at (first move into
// the indeterminate category), priority_raised (a change to a more urgent priority, by the order
// of /rest/api/2/priority) and escalation_label_added (a configured label added) from
// ticket_changes, using the status categories and priority order kept in raw_records.
func (s *Source) DeriveSQL() []string {
	labels := "[]::VARCHAR[]"
	if len(s.cfg.EscalationLabels) > 0 {
		q := make([]string, len(s.cfg.EscalationLabels))
		for i, l := range s.cfg.EscalationLabels {
			q[i] = "'" + strings.ReplaceAll(l, "'", "''") + "'"
		}
		labels = "[" + strings.Join(q, ", ") + "]::VARCHAR[]"
	}
	var out []string
	for _, st := range strings.Split(deriveSQL, "\n;\n") {
		st = strings.TrimSpace(strings.ReplaceAll(st, "{{escalation_labels}}", labels))
		if st != "" {
			out = append(out, st)
		}
	}
	return out
}
