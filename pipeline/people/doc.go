// Package people imports the people files — teams.csv (team memberships over time), cohorts.csv
// (who enrolled in which cohort of which program and when they completed) and identities.csv
// (manual account-to-person overrides) — into people, teams, team_memberships, cohorts,
// enrollments and identity_overrides, and pseudonymises personal values in a published copy.
//
// # Validation
//
// A file is read whole and every problem is reported with its line and CSV column (a
// *ValidationError listing up to MaxProblems): wrong or missing header, wrong number of fields,
// bad quoting, bad date (only YYYY-MM-DD), bad email, unknown role or source, duplicate row,
// overlapping memberships of one person in one team, two leads of one team at the same time,
// valid_to before valid_from, completed before enrolled, one account assigned to two people, an
// empty, binary, UTF-16 or oversized (MaxFileSize) file, and a delimiter other than a comma. A
// UTF-8 BOM, CRLF line endings and spaces around values are accepted; header names are
// case-insensitive and may come in any order. Any error means nothing is imported.
//
// Memberships are inclusive date ranges (valid_to is the last day; empty while still valid).
// Many HR exports write the successor's start date as the end date; so a membership whose
// valid_to equals the valid_from of another membership of the same person, or of the team's
// next lead, is read as a handover: its last day becomes the day before, with one warning listing
// the lines. Overlaps are checked after this, so a real overlap is still an error.
//
// A completion date after today is kept, with a warning: the participant counts as not yet
// treated until then. Enrollment status (completed, in_progress, dropout) is derived as of today
// by EnrollmentStatus: cohorts.csv has no dropout column, so an enrollment without completion is a
// dropout once its cohort's first completion is more than DropoutGrace in the past.
//
// # Replacing a file's rows
//
// Rows remember the file they came from (source_file: the file's absolute path, so the same file
// imported from another working directory is still the same file). Importing a file replaces the
// rows previously imported from it, in one transaction, and records the file's SHA-256 in
// imports; teams, cohorts and people no file mentions any more are removed. Re-importing an
// unchanged file writes nothing. History of team membership is kept by valid_from/valid_to in the
// file itself, never by overwriting. Ids are deterministic (PersonID, TeamID, CohortID,
// MembershipID, EnrollmentID), so a row that did not change keeps its id.
package people
