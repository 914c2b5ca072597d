package people

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"

	"github.com/trainimpact/trainimpact/models"
)

// NormalizeEmail trims and lower-cases an email address, the form stored in people.email and used
// for matching.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// PersonID returns the stable id of the person with this work email:
// "people:person:" + the first 16 hex digits of SHA-256(lower(trim(email))).
func PersonID(email string) string {
	h := sha256.Sum256([]byte(NormalizeEmail(email)))
	return "people:person:" + hex.EncodeToString(h[:8])
}

// TeamID returns "files:team:<name>" for a team named in teams.csv.
func TeamID(name string) string { return models.ID(models.SourceFiles, "team", name) }

// CohortID returns "files:cohort:<program>|<cohort>".
func CohortID(program, cohort string) string {
	return models.ID(models.SourceFiles, "cohort", program+"|"+cohort)
}

// MembershipID returns "files:membership:<person_id>|<team_id>|<valid_from YYYY-MM-DD>".
func MembershipID(personID, teamID, validFrom string) string {
	return models.ID(models.SourceFiles, "membership", personID+"|"+teamID+"|"+validFrom)
}

// EnrollmentID returns "files:enrollment:<person_id>|<cohort_id>".
func EnrollmentID(personID, cohortID string) string {
	return models.ID(models.SourceFiles, "enrollment", personID+"|"+cohortID)
}

// emailRE is deliberately simple: one @, no spaces, a dot in the domain.
var emailRE = regexp.MustCompile(`^[^@\s<>(),;:"]+@[^@\s<>(),;:"]+\.[^@\s<>(),;:".]+$`)

// ValidEmail reports whether s (already trimmed) looks like a plain email address.
func ValidEmail(s string) bool { return emailRE.MatchString(s) }
