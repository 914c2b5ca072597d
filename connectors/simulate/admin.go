package simulate

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
)

// AdminPrefix is the path prefix of the admin endpoints (mounted only with Options.Admin).
//
// The admin endpoints let an operator rehearse with a running simulator (`trainimpact simulate`):
//
//	GET  /admin/status                         now, requests served, sources down, faults on
//	POST /admin/advance?days=N (or hours=N)    move the clock forward: new records appear
//	POST /admin/down?source=S[&mode=M]         take source S (pagerduty, jira, github) down;
//	                                           M = unavailable (503, the default) or unauthorized (401)
//	POST /admin/up?source=S                    bring it back (source=all: every source)
//	POST /admin/faults?preset=P                P = off, mild (about one request in forty) or all
//
// They answer JSON; they are neither counted nor faulted, and they answer only requests from a
// loopback address (the server listens on loopback only anyway).
const AdminPrefix = "/admin/"

// ErrNotLoopback reports a listening address that is not on the loopback interface.
var ErrNotLoopback = errors.New("simulate: the simulator listens on loopback only")

// MaxAdvanceDays bounds one /admin/advance step.
const MaxAdvanceDays = 366

// MildFaults returns the faults of the demo and of simulate: about one request in forty misbehaves
// (429s, 5xx, dropped connections, GitHub secondary rate limits) with a short Retry-After, so a
// retrying client always gets through and the retries cost little time.
func MildFaults() Faults {
	return Faults{TooManyRequests: 151, ServerError: 173, BadGateway: 197, Drop: 229, GitHubSecondary: 211,
		RetryAfter: time.Millisecond}
}

// loopbackAddr checks a listening address ("" = 127.0.0.1:0) and returns it.
func loopbackAddr(addr string) (string, error) {
	if addr == "" {
		return "127.0.0.1:0", nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("simulate: address %q: %w", addr, err)
	}
	if host == "localhost" {
		return addr, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	return addr, nil
}

// AdminStatus is the answer of GET /admin/status.
type AdminStatus struct {
	Now      string            `json:"now"`
	Requests int64             `json:"requests"`
	Down     map[string]Outage `json:"down"`
	Faults   bool              `json:"faults"`
	// DataUntil is the end of the organisation's timeline: advancing past it shows nothing new.
	DataUntil string `json:"data_until"`
}

// Status returns what GET /admin/status answers.
func (s *Server) Status() AdminStatus {
	return AdminStatus{Now: apicommon.Time(s.Now()), Requests: s.reqTotal.Load(), Down: s.Down(), Faults: s.Faults().any(),
		DataUntil: apicommon.Time(s.o.End)}
}

// any reports whether some fault is switched on.
func (f Faults) any() bool {
	return f.TooManyRequests > 0 || f.GitHubPrimary > 0 || f.GitHubSecondary > 0 || f.ServerError > 0 ||
		f.BadGateway > 0 || f.Drop > 0 || f.Slow > 0 || f.Latency > 0
}

// serveAdmin answers the admin endpoints.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err != nil || !net.ParseIP(host).IsLoopback() {
		adminError(w, http.StatusForbidden, "admin endpoints answer loopback clients only")
		return
	}
	name := r.URL.Path[len(AdminPrefix):]
	if name == "status" {
		apicommon.WriteJSON(w, http.StatusOK, s.Status())
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		adminError(w, http.StatusMethodNotAllowed, "use POST for /admin/"+name)
		return
	}
	q := r.URL.Query()
	switch name {
	case "advance":
		var d time.Duration
		switch {
		case q.Has("days"):
			n, err := strconv.Atoi(q.Get("days"))
			if err != nil || n < 1 || n > MaxAdvanceDays {
				adminError(w, http.StatusBadRequest, fmt.Sprintf("days=%q: want a whole number of days from 1 to %d", q.Get("days"), MaxAdvanceDays))
				return
			}
			d = time.Duration(n) * 24 * time.Hour
		case q.Has("hours"):
			n, err := strconv.Atoi(q.Get("hours"))
			if err != nil || n < 1 || n > 24*MaxAdvanceDays {
				adminError(w, http.StatusBadRequest, fmt.Sprintf("hours=%q: want a whole number of hours from 1 to %d", q.Get("hours"), 24*MaxAdvanceDays))
				return
			}
			d = time.Duration(n) * time.Hour
		default:
			adminError(w, http.StatusBadRequest, "give days=N or hours=N")
			return
		}
		s.clock.add(d)
	case "down":
		mode := Outage(q.Get("mode"))
		if mode == "" {
			mode = OutageUnavailable
		}
		if err := s.TakeDown(q.Get("source"), mode); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
	case "up":
		src := q.Get("source")
		if src == "all" {
			for _, a := range []string{APIPagerDuty, APIJira, APIGitHub} {
				_ = s.Restore(a)
			}
		} else if err := s.Restore(src); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
	case "faults":
		switch q.Get("preset") {
		case "off":
			s.SetFaults(Faults{})
		case "mild":
			s.SetFaults(MildFaults())
		case "all":
			s.SetFaults(AllFaults())
		default:
			adminError(w, http.StatusBadRequest, fmt.Sprintf("preset=%q: want off, mild or all", q.Get("preset")))
			return
		}
	default:
		adminError(w, http.StatusNotFound, "unknown admin endpoint /admin/"+name+" (status, advance, down, up, faults)")
		return
	}
	apicommon.WriteJSON(w, http.StatusOK, s.Status())
}

func adminError(w http.ResponseWriter, status int, msg string) {
	apicommon.WriteJSON(w, status, map[string]string{"error": msg})
}
