package github

import (
	"encoding/json"
	"testing"
)

func TestServiceMapValidate(t *testing.T) {
	c := newConfig()
	c.Orgs = []string{"acme"}
	c.ServiceMap = map[string][]string{"Payments API": {"acme/payments"}, "billing": {"acme"}, "empty": nil}
	c.FailureWindowHours = 0
	keys := map[string]bool{}
	for _, e := range c.Validate() {
		keys[e.Key] = true
	}
	for _, k := range []string{"service_map.billing[0]", "service_map.empty", "failure_window_hours"} {
		if !keys[k] {
			t.Errorf("no error for %s: %v", k, keys)
		}
	}
	if keys["service_map.Payments API[0]"] {
		t.Errorf("a good entry was refused: %v", keys)
	}
	// The map and the window do not decide what is collected: they leave the source hash alone.
	a, b := newConfig(), newConfig()
	b.ServiceMap, b.FailureWindowHours = map[string][]string{"x": {"acme/x"}}, 2
	ja, _ := jsonOf(a)
	jb, _ := jsonOf(b)
	if ja != jb {
		t.Errorf("service_map changes the hashed form:\n%s\n%s", ja, jb)
	}
	if got := b.ServiceRepos()["x"]; len(got) != 1 || b.FailureWindow() != 2 || newConfig().FailureWindow() != 24 {
		t.Errorf("accessors: %v %v", got, b.FailureWindow())
	}
}

func jsonOf(c *Config) (string, error) {
	b, err := json.Marshal(c)
	return string(b), err
}
