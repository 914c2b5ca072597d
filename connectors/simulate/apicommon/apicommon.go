// Package apicommon holds what the simulator's API imitations (pdapi, jiraapi,
// ghapi) share: the clock they read "now" from, their configuration, and small
// response helpers. It imports nothing of the simulator but org, so the API
// packages can import it without a cycle (package simulate imports them).
package apicommon

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// Clock is the simulator's moving "now". Implementations are safe for
// concurrent use; Now is truncated to the second and in UTC.
type Clock interface {
	Now() time.Time
}

// FixedClock is a Clock that always returns the same time (for handler tests).
type FixedClock time.Time

// Now returns the fixed time.
func (c FixedClock) Now() time.Time { return time.Time(c) }

// JiraMode selects which Jira deployment the simulator imitates.
type JiraMode string

// Jira modes.
const (
	JiraCloud      JiraMode = "cloud"      // basic auth email:token, accountId users, /rest/api/3/search/jql
	JiraDataCenter JiraMode = "datacenter" // bearer PAT, name/key users, /rest/api/2/search with startAt
)

// Config is what every API handler receives.
type Config struct {
	// BaseURL is the absolute URL this API is mounted at, without a trailing
	// slash ("http://127.0.0.1:41234/github"); use it for absolute links
	// (Link headers, "self" fields). The handler itself sees request paths
	// with this prefix stripped ("/repos/acme/api/pulls").
	BaseURL string

	PagerDutyToken string   // expected in "Authorization: Token token=<t>"
	JiraEmail      string   // Cloud basic auth user
	JiraToken      string   // Cloud basic auth password (API token)
	JiraBearer     string   // Data Center "Authorization: Bearer <t>"
	JiraMode       JiraMode // default JiraCloud
	GitHubToken    string   // expected in "Authorization: Bearer <t>" or "token <t>"
}

// Constructor is the signature every API package exports as New. The
// handler must be safe for concurrent use; it reads the org (immutable) and
// clock.Now() on every request.
type Constructor func(o *org.Org, clock Clock, cfg Config) http.Handler

// WriteJSON writes v as JSON with the given status and Content-Type
// application/json; charset=utf-8, and an exact Content-Length.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "apicommon: encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Time formats t as the APIs do: RFC 3339 in UTC with a Z ("2025-03-04T05:06:07Z").
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// JiraTime formats t as Jira does: "2025-03-04T05:06:07.000+0000".
func JiraTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

// Date formats t as a date "2025-03-04".
func Date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Equal compares a presented secret with the expected one in constant time;
// an empty expected secret never matches.
func Equal(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// BearerToken returns the token of "Authorization: Bearer <t>" or
// "Authorization: token <t>", or "".
func BearerToken(r *http.Request) string {
	a := r.Header.Get("Authorization")
	for _, p := range []string{"Bearer ", "bearer ", "token ", "Token "} {
		if strings.HasPrefix(a, p) {
			return strings.TrimSpace(a[len(p):])
		}
	}
	return ""
}

// PagerDutyToken returns t from "Authorization: Token token=<t>", or "".
func PagerDutyToken(r *http.Request) string {
	a := r.Header.Get("Authorization")
	const p = "Token token="
	if strings.HasPrefix(a, p) {
		return a[len(p):]
	}
	return ""
}

// BasicAuth returns the user and password of basic auth, or "", "".
func BasicAuth(r *http.Request) (user, pass string) {
	a := r.Header.Get("Authorization")
	if !strings.HasPrefix(a, "Basic ") {
		return "", ""
	}
	b, err := base64.StdEncoding.DecodeString(a[len("Basic "):])
	if err != nil {
		return "", ""
	}
	u, p, _ := strings.Cut(string(b), ":")
	return u, p
}
