package simulate

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, url string) (int, AdminStatus) {
	t.Helper()
	resp, err := http.Post(url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st AdminStatus
	_ = json.NewDecoder(resp.Body).Decode(&st)
	return resp.StatusCode, st
}

// TestAdminAdvanceAndOutage drives the admin endpoints as an operator rehearsing would: the clock
// moves forward and new incidents appear; a source taken down answers 503 (or 401) while the others
// keep answering, and comes back; bad parameters are refused; nothing of it is counted or faulted.
func TestAdminAdvanceAndOutage(t *testing.T) {
	s := start(t, Options{Admin: true})
	_, before, err := get(t, s.PagerDutyURL()+"/incidents")
	if err != nil {
		t.Fatal(err)
	}
	s.SetFaults(Faults{ServerError: 1}) // every API request fails; the admin endpoints are not faulted
	code, st := post(t, s.URL()+"/admin/advance?days=30")
	if code != http.StatusOK {
		t.Fatalf("advance with every request faulted: %d", code)
	}
	s.SetFaults(Faults{})
	if want := apiTime(smallOrg().Now.AddDate(0, 0, 30)); st.Now != want {
		t.Errorf("now after advancing 30 days = %s, want %s", st.Now, want)
	}
	_, after, _ := get(t, s.PagerDutyURL()+"/incidents")
	if after.Incidents <= before.Incidents {
		t.Errorf("incidents visible: %d before advancing, %d after", before.Incidents, after.Incidents)
	}

	if code, st = post(t, s.URL()+"/admin/down?source=github"); code != http.StatusOK || st.Down["github"] != OutageUnavailable {
		t.Fatalf("down: %d %+v", code, st)
	}
	if resp, _, _ := get(t, s.GitHubURL()+"repos"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("github while down: %d, want 503", resp.StatusCode)
	}
	if resp, _, _ := get(t, s.JiraURL()+"rest"); resp.StatusCode != http.StatusOK {
		t.Errorf("jira while github is down: %d, want 200", resp.StatusCode)
	}
	post(t, s.URL()+"/admin/down?source=jira&mode=unauthorized")
	if resp, _, _ := get(t, s.JiraURL()+"rest"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("jira down (unauthorized): %d, want 401", resp.StatusCode)
	}
	if code, st = post(t, s.URL()+"/admin/up?source=all"); code != http.StatusOK || len(st.Down) != 0 {
		t.Fatalf("up: %d %+v", code, st)
	}
	if resp, _, _ := get(t, s.GitHubURL()+"repos"); resp.StatusCode != http.StatusOK {
		t.Errorf("github after up: %d, want 200", resp.StatusCode)
	}

	for _, bad := range []string{"advance?days=0", "advance?days=x", "advance", "down?source=gitlab", "down?source=jira&mode=slow",
		"up?source=x", "faults?preset=loud", "nothing"} {
		if code, _ := post(t, s.URL()+"/admin/"+bad); code != http.StatusBadRequest && code != http.StatusNotFound {
			t.Errorf("/admin/%s: %d, want 400 or 404", bad, code)
		}
	}
	if resp, _, _ := get(t, s.URL()+"/admin/advance?days=1"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /admin/advance: %d, want 405", resp.StatusCode)
	}
	if code, st = post(t, s.URL()+"/admin/faults?preset=mild"); code != http.StatusOK || !st.Faults {
		t.Errorf("faults=mild: %d %+v", code, st)
	}
	if got := s.Requests().ByAPI[APIOther]; got != 0 {
		t.Errorf("admin requests were counted: %d", got)
	}

	// Without Options.Admin the endpoints do not exist.
	plain := start(t, Options{})
	if resp, _, _ := get(t, plain.URL()+"/admin/status"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/admin/status without Admin: %d, want 404", resp.StatusCode)
	}
}

func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// TestListenLoopbackOnly: a fixed port is accepted on loopback, any other interface refused.
func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.1.2.3:80", "example.com:80"} {
		if _, err := loopbackAddr(addr); !errors.Is(err, ErrNotLoopback) && (err == nil || !strings.Contains(err.Error(), addr)) {
			t.Errorf("%s: %v, want a refusal", addr, err)
		}
	}
	for _, addr := range []string{"", "127.0.0.1:8080", "[::1]:0", "localhost:9000"} {
		if _, err := loopbackAddr(addr); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
