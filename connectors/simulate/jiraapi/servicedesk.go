package jiraapi

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

// The Jira Service Management request feedback (CSAT) the simulator serves, as
// GET /rest/servicedeskapi/request/{issueIdOrKey}/feedback: a CSATFeedbackFullDTO
// {"type": "csat", "rating": 1..5, "comment": {"body": ...}} for a resolved request whose
// reporter gave feedback, 404 otherwise. Every project counts as a service project.
const (
	// FeedbackShare is the share of resolved requests with feedback.
	FeedbackShare = org.JSMFeedbackShare
	// SatisfiedBase is the probability that feedback rates 4 or 5 when the issue's project team was
	// not treated at its resolution; when it was, the probability is SatisfiedBase × (1 +
	// Effects.JSMSatisfaction) (the organisation's planted effect, the truth of jsm_satisfaction),
	// at most 1.
	SatisfiedBase = org.JSMSatisfiedBase
)

// Feedback returns the CSAT rating an issue resolved by now carries (1..5), or 0 when none: a pure
// function of the organisation's seed and the issue, so every request sees the same rating.
func Feedback(o *org.Org, is *org.Issue, now time.Time) int {
	st := is.StateAt(now)
	if st.ResolutionDate.IsZero() {
		return 0
	}
	u := func(salt string) float64 {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d|%s|%s", o.Params.Seed, is.ID, salt)
		return float64(h.Sum64()>>11) / (1 << 53)
	}
	if u("given") >= FeedbackShare {
		return 0
	}
	p := SatisfiedBase
	if t := is.Project.Team; t != nil && !t.TreatedAt.IsZero() && !t.TreatedAt.After(st.ResolutionDate) {
		p = min(1, p*(1+o.Params.Effects.JSMSatisfaction))
	}
	if u("satisfied") < p {
		return 4 + int(2*u("rating"))
	}
	return 1 + int(3*u("rating"))
}

// serviceDesk answers /rest/servicedeskapi/...: only request/{idOrKey}/feedback (GET).
func (h *handler) serviceDesk(w http.ResponseWriter, r *http.Request, rest string) {
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
		jiraError(w, http.StatusUnauthorized, "You are not authenticated. Authentication required to perform this operation.")
		return
	}
	now := h.clock.Now()
	id, sub, _ := strings.Cut(strings.TrimPrefix(rest, "request/"), "/")
	if !strings.HasPrefix(rest, "request/") || sub != "feedback" || r.Method != http.MethodGet {
		jiraError(w, http.StatusNotFound, "Not Found")
		return
	}
	is := h.byKey[id]
	if is == nil || !is.VisibleAt(now) {
		jiraError(w, http.StatusNotFound, "Request does not exist or you do not have permission to see it.")
		return
	}
	rating := Feedback(h.o, is, now)
	if rating == 0 {
		jiraError(w, http.StatusNotFound, "No feedback found for this request.")
		return
	}
	apicommon.WriteJSON(w, http.StatusOK, map[string]any{"type": "csat", "rating": rating,
		"comment": map[string]any{"body": []string{"", "Slow.", "It took a while.", "Fine.", "Thanks!", "Great help, thank you."}[rating]}})
}
