package simulate

import (
	"fmt"
	"net/http"
	"sync"
)

// Outage is how a source that was taken down answers every request.
type Outage string

// Outage modes.
const (
	// OutageUnavailable answers 503 Service Unavailable: the clients retry with backoff (about
	// half a minute with the default httpx settings) and then give up.
	OutageUnavailable Outage = "unavailable"
	// OutageUnauthorized answers 401, as after a revoked token: the clients give up at once.
	OutageUnauthorized Outage = "unauthorized"
)

// ErrUnknownAPI reports a source name that is not pagerduty, jira or github.
var ErrUnknownAPI = fmt.Errorf("simulate: unknown source (want %s, %s or %s)", APIPagerDuty, APIJira, APIGitHub)

// ErrUnknownOutage reports an outage mode that is not unavailable or unauthorized.
var ErrUnknownOutage = fmt.Errorf("simulate: unknown outage mode (want %s or %s)", OutageUnavailable, OutageUnauthorized)

// outages holds the sources taken down; the zero value has none.
type outages struct {
	mu   sync.RWMutex
	down map[string]Outage
}

func (o *outages) set(api string, mode Outage) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.down == nil {
		o.down = map[string]Outage{}
	}
	if mode == "" {
		delete(o.down, api)
		return
	}
	o.down[api] = mode
}

func (o *outages) get(api string) Outage {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.down[api]
}

func (o *outages) snapshot() map[string]Outage {
	o.mu.RLock()
	defer o.mu.RUnlock()
	out := make(map[string]Outage, len(o.down))
	for k, v := range o.down {
		out[k] = v
	}
	return out
}

// serve answers a request to a source that is down and reports whether it did.
func (o *outages) serve(w http.ResponseWriter, api string) bool {
	switch o.get(api) {
	case OutageUnavailable:
		writeError(w, api, http.StatusServiceUnavailable)
		return true
	case OutageUnauthorized:
		writeError(w, api, http.StatusUnauthorized)
		return true
	}
	return false
}

func knownAPI(api string) bool {
	return api == APIPagerDuty || api == APIJira || api == APIGitHub
}

// TakeDown makes every request to api (pagerduty, jira or github) fail as mode says until Restore.
func (s *Server) TakeDown(api string, mode Outage) error {
	if !knownAPI(api) {
		return fmt.Errorf("%w: %q", ErrUnknownAPI, api)
	}
	if mode != OutageUnavailable && mode != OutageUnauthorized {
		return fmt.Errorf("%w: %q", ErrUnknownOutage, mode)
	}
	s.outages.set(api, mode)
	return nil
}

// Restore brings api back after TakeDown (no effect when it is up).
func (s *Server) Restore(api string) error {
	if !knownAPI(api) {
		return fmt.Errorf("%w: %q", ErrUnknownAPI, api)
	}
	s.outages.set(api, "")
	return nil
}

// Down returns the sources taken down with their outage mode.
func (s *Server) Down() map[string]Outage { return s.outages.snapshot() }
