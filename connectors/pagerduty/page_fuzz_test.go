package pagerduty

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecodePage compares the hand-written page splitter with encoding/json on any body (corpus:
// testdata/fuzz/FuzzDecodePage): a body encoding/json reads must give the same items (the same
// bytes) and envelope; a body it refuses may pass decodePage only when one of the items is
// itself not JSON (items are validated when each is decoded).
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"log_entries":[{"id":"a","s":"}]\"\\"},{"id":"b"}],"more":true,"total":2}`), "log_entries")
	f.Add([]byte(` { "incidents" : [ ] , "more" : false , "total" : null , "other" : { "x" : "]}" } } `), "incidents")
	f.Add([]byte(`{"users":[{"id":"a"}],"users":[]}`), "users")
	f.Add([]byte(`{"log_entries":[{"id":"a"}],"more":tru}`), "log_entries")
	f.Add([]byte(`{"incidents":[1,"x",null,[{}]],"total":1e3}`), "incidents")
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		switch key {
		case "users", "teams", "services", "escalation_policies", "incidents", "log_entries":
		default:
			key = "log_entries"
		}
		var want page
		wantErr := json.Unmarshal(body, &want)
		var got page
		gotErr := decodePage("/x", body, key, &got)
		gi := got.items(key)
		if wantErr != nil {
			if gotErr == nil {
				for _, it := range gi {
					if !json.Valid(it) {
						return
					}
				}
				t.Fatalf("decodePage read a page encoding/json refuses (%v), every item valid: %q", wantErr, body)
			}
			return
		}
		if gotErr != nil {
			t.Fatalf("decodePage refused a page encoding/json reads: %v: %q", gotErr, body)
		}
		wi := want.items(key)
		if len(wi) != len(gi) {
			t.Fatalf("%d items, want %d: %q", len(gi), len(wi), body)
		}
		for i := range wi {
			if !bytes.Equal(wi[i], gi[i]) {
				t.Fatalf("item %d is %q, want %q", i, gi[i], wi[i])
			}
		}
		if got.More != want.More || (got.Total == nil) != (want.Total == nil) || got.Total != nil && *got.Total != *want.Total {
			t.Fatalf("envelope more=%v total=%v, want more=%v total=%v: %q", got.More, got.Total, want.More, want.Total, body)
		}
	})
}
