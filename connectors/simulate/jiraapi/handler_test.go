package jiraapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trainimpact/trainimpact/connectors/simulate/apicommon"
	"github.com/trainimpact/trainimpact/connectors/simulate/org"
)

var testOrg = org.Generate(org.Params{Seed: 3, People: 15})

func serve(t *testing.T, mode apicommon.JiraMode) (*httptest.Server, func(method, path, body string) (int, map[string]any)) {
	cfg := apicommon.Config{JiraMode: mode, JiraEmail: "bot@acme.example", JiraToken: "tok", JiraBearer: "pat"}
	srv := httptest.NewServer(New(testOrg, apicommon.FixedClock(testOrg.Now), cfg))
	t.Cleanup(srv.Close)
	call := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if mode == apicommon.JiraCloud {
			req.SetBasicAuth("bot@acme.example", "tok")
		} else {
			req.Header.Set("Authorization", "Bearer pat")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	return srv, call
}

func TestCloudRemovedSearchIs410(t *testing.T) {
	_, call := serve(t, apicommon.JiraCloud)
	if code, _ := call("GET", "/rest/api/2/search?jql=", ""); code != http.StatusGone {
		t.Fatalf("GET /rest/api/2/search in Cloud: %d, want 410", code)
	}
	code, m := call("POST", "/rest/api/3/search/jql", `{"jql":"project = NOPE ORDER BY updated ASC","maxResults":10,"fields":["updated"]}`)
	if code != 200 || m["isLast"] != true {
		t.Fatalf("enhanced search: %d %v", code, m)
	}
	if _, ok := m["total"]; ok {
		t.Fatal("enhanced search must not return total")
	}
}

func TestJQLErrorsAre400(t *testing.T) {
	_, call := serve(t, apicommon.JiraDataCenter)
	for _, q := range []string{`assignee = currentUser()`, `updated >= -1d`, `project in (A, B`, `updated >= "2025/13/01"`} {
		if code, m := call("GET", "/rest/api/2/search?jql="+url.QueryEscape(q), ""); code != http.StatusBadRequest || m["errorMessages"] == nil {
			t.Errorf("%q: %d %v, want 400 with errorMessages", q, code, m)
		}
	}
}

// TestJQLDateInUserTimeZone checks that "updated >= date" is read in the user's zone
// (America/Los_Angeles): the count matches a bound computed in that zone, not in UTC.
func TestJQLDateInUserTimeZone(t *testing.T) {
	_, call := serve(t, apicommon.JiraDataCenter)
	la, _ := time.LoadLocation("America/Los_Angeles")
	bound := testOrg.Now.Add(-10 * 24 * time.Hour).In(la).Truncate(time.Minute)
	jql := `updated >= "` + bound.Format("2006/01/02 15:04") + `"`
	_, m := call("GET", "/rest/api/2/search?maxResults=0&jql="+url.QueryEscape(jql), "")
	want, wrongUTC := 0, 0
	utcBound := time.Date(bound.Year(), bound.Month(), bound.Day(), bound.Hour(), bound.Minute(), 0, 0, time.UTC)
	for _, is := range testOrg.IssuesUpTo(testOrg.Now) {
		if !is.VisibleAt(testOrg.Now) {
			continue
		}
		u := is.UpdatedAt(testOrg.Now)
		if !u.Before(bound) {
			want++
		}
		if !u.Before(utcBound) {
			wrongUTC++
		}
	}
	if got := int(m["total"].(float64)); got != want || want == wrongUTC {
		t.Fatalf("total %d, want %d (UTC reading would give %d)", got, want, wrongUTC)
	}
}

func TestAuthAndPaging(t *testing.T) {
	srv, call := serve(t, apicommon.JiraCloud)
	resp, err := http.Get(srv.URL + "/rest/api/2/myself")
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unauthenticated /myself: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	if _, m := call("GET", "/rest/api/2/serverInfo", ""); m["deploymentType"] != "Cloud" {
		t.Fatalf("serverInfo %v", m)
	}
	seen := map[string]bool{}
	tok := ""
	for {
		body, _ := json.Marshal(map[string]any{"jql": `updated >= "2000/01/01" ORDER BY updated ASC, key ASC`, "maxResults": 37,
			"fields": []string{"updated"}, "nextPageToken": tok})
		code, m := call("POST", "/rest/api/3/search/jql", string(body))
		if code != 200 {
			t.Fatalf("page: %d %v", code, m)
		}
		for _, is := range m["issues"].([]any) {
			id := is.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("issue %s twice", id)
			}
			seen[id] = true
		}
		if m["isLast"] == true {
			break
		}
		tok = m["nextPageToken"].(string)
	}
	want := 0
	for _, is := range testOrg.IssuesUpTo(testOrg.Now) {
		if is.VisibleAt(testOrg.Now) {
			want++
		}
	}
	if len(seen) != want {
		t.Fatalf("paged %d issues, want %d", len(seen), want)
	}
}
