// Package all registers every built-in source driver; import it for its side effect.
package all

import (
	_ "github.com/trainimpact/trainimpact/connectors/github"    // registers "github"
	_ "github.com/trainimpact/trainimpact/connectors/jira"      // registers "jira"
	_ "github.com/trainimpact/trainimpact/connectors/pagerduty" // registers "pagerduty"
)
