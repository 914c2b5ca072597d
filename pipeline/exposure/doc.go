// Package exposure decides, for each analysis unit, whether and from when it counts as treated by
// the training program, and writes the result to the exposure table.
//
// # Person units (analysis.unit: person)
//
// A person is treated from their own earliest completion date that is not after today. A
// completion date in the future, or an enrollment without completion in a cohort that is still
// running, makes the person not_yet treated. An enrollment without completion in a cohort that
// finished (people.EnrollmentStatus: its first completion is more than people.DropoutGrace
// before today) is a dropout.
//
// # Team units (analysis.unit: team, the default)
//
// A team is treated from the first date on which its lead in office has completed the program:
// for each lead tenure [valid_from, valid_to] (inclusive, open while in office) whose lead
// completed on c, the candidate is max(c, valid_from) when it is not after valid_to; the
// earliest candidate not after today is the treatment date, and lead_person_id, cohort and program
// are that lead's. A lead who completed before taking office treats the team from their first day
// (noted). Completions of members other than the lead do not treat a team.
//
// Lead change after treatment: treatment is absorbing — once treated, a team stays treated (an
// intention-to-treat rule at team level), even when its trained lead leaves and the successor is
// untrained. Reason: what the program is credited with is the change a trained lead brings to a
// team's way of working, which does not vanish on the day the lead leaves, and dropping the team
// from the treated (or moving it back to the controls) at a lead change would select on an
// outcome-related event. Such teams carry a note ("trained lead left on D; successor untrained")
// so an analyst can run a sensitivity analysis without them. This is also the simulator's rule.
//
// A team whose lead in office has not completed yet (future completion or enrollment still
// running) is not_yet treated; a team whose lead dropped out during their tenure is a dropout;
// every other team is never treated.
//
// # Dropouts (analysis.dropouts)
//
// exclude (default): dropouts are never treated; their units get status dropout (treated_at
// NULL) so the analysis can leave them out of the treated group (they are not clean controls
// either). intention_to_treat: a dropout counts as treated from the date their cohort's first
// participant completed (the date they would have completed), noted as such; a dropout whose
// cohort has no completion stays a dropout.
//
// Status values: treated, not_yet, never, dropout (the exposure table's COMMENT).
package exposure
