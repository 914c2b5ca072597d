// Package ghapi imitates the GitHub REST API (as go-github v60 calls it), mounted under /github, serving the
// records of an org.Org as of the simulator's clock.
package ghapi

import (
	"net/http"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// New returns the API handler. Request paths arrive with the mount prefix
// stripped. Placeholder: answers 501 until the API is implemented.
func New(o *org.Org, clock apicommon.Clock, cfg apicommon.Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "ghapi: not implemented", http.StatusNotImplemented)
	})
}
