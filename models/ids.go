package models

import "strings"

// Source names, as used in canonical ids, raw_records.source and configuration.
const (
	SourcePagerDuty = "pagerduty"
	SourceJira      = "jira"
	SourceGitHub    = "github"
	SourceFiles     = "files"
)

// ID returns the deterministic canonical id "<source>:<entity>:<native id>".
func ID(source, entity, nativeID string) string {
	var b strings.Builder
	b.Grow(len(source) + len(entity) + len(nativeID) + 2)
	b.WriteString(source)
	b.WriteByte(':')
	b.WriteString(entity)
	b.WriteByte(':')
	b.WriteString(nativeID)
	return b.String()
}

// AccountID returns the canonical id of an account at a source: "<source>:account:<native id>".
func AccountID(source, nativeID string) string {
	if nativeID == "" {
		return ""
	}
	return ID(source, "account", nativeID)
}
