package pagerduty

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDecodePageMatchesEncodingJSON compares decodePage with encoding/json on generated pages:
// items must be the same bytes and the envelope the same values, whatever the spacing, member
// order and string contents; bodies that are not JSON must fail.
func TestDecodePageMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tricky := []string{`plain`, `quote \" inside`, `back\\slash`, `brackets ] } [ {`, `comma, colon: x`,
		`\\\"`, `unicode \u00e9 ✓ 日本`, `ends with backslash \\`, `"`}
	ws := []string{"", " ", "\n  ", "\t", "\r\n"}
	sp := func() string { return ws[rng.IntN(len(ws))] }
	for n := 0; n < 400; n++ {
		key := []string{"log_entries", "incidents", "users"}[n%3]
		var items []string
		for k := rng.IntN(5); k > 0; k-- {
			s := tricky[rng.IntN(len(tricky))]
			if s == `"` {
				s = `\"`
			}
			items = append(items, fmt.Sprintf(`{%s"id"%s:%s"P%d",%s"s":"%s",%s"n":[1,%s{"a":[]},%s-2.5e3,%strue,null]%s}`,
				sp(), sp(), sp(), rng.IntN(1000), sp(), s, sp(), sp(), sp(), sp(), sp()))
		}
		members := []string{
			fmt.Sprintf(`"%s"%s:%s[%s%s]`, key, sp(), sp(), strings.Join(items, ","+sp()), sp()),
			fmt.Sprintf(`"limit":%s100`, sp()),
			fmt.Sprintf(`"offset":%d`, rng.IntN(9000)),
			fmt.Sprintf(`"more":%s%v`, sp(), rng.IntN(2) == 0),
			[]string{`"total":null`, `"total":12345`, `"total"  :  7`}[rng.IntN(3)],
			`"other":{"x":"}]"}`,
		}
		rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		body := []byte(sp() + "{" + sp() + strings.Join(members, sp()+","+sp()) + sp() + "}" + sp())

		var want page
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("fixture is not JSON: %v\n%s", err, body)
		}
		var got page
		if _, err := splitPage(body, key, &got); err != nil {
			t.Fatalf("splitPage refused valid JSON: %v\n%s", err, body)
		}
		if err := decodePage("/x", body, key, &got); err != nil {
			t.Fatal(err)
		}
		wi, gi := want.items(key), got.items(key)
		if len(wi) != len(gi) {
			t.Fatalf("%d items, want %d\n%s", len(gi), len(wi), body)
		}
		for i := range wi {
			if !bytes.Equal(wi[i], gi[i]) {
				t.Fatalf("item %d is %s, want %s", i, gi[i], wi[i])
			}
		}
		if got.More != want.More || (got.Total == nil) != (want.Total == nil) || got.Total != nil && *got.Total != *want.Total {
			t.Fatalf("envelope more=%v total=%v, want more=%v total=%v\n%s", got.More, got.Total, want.More, want.Total, body)
		}
	}
	for _, bad := range []string{``, `{`, `{"log_entries":[{"id":"a"}`, `{"log_entries":[{"id":"a\"}]}`,
		`{"log_entries":[{"id":"a"},]}`, `{"log_entries":[{"id":"a"}]}x`, `[]`, `{"log_entries":[{"id":"a"}], "more":tru}`,
		`{"log_entries":[{"id":"a\`} {
		var p page
		if err := decodePage("/x", []byte(bad), "log_entries", &p); err == nil {
			t.Errorf("%q decoded without error: %+v", bad, p)
		}
	}
}
