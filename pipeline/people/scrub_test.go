package people

import "testing"

func TestScrubberReplacesWholeKnownStrings(t *testing.T) {
	s := newScrubber()
	s.add("Ada Lovelace", "<ADA>")
	s.add("ada.lovelace@acme.example", "<EMAIL>")
	s.add("alovelace", "<LOGIN>")
	s.add("Renée  Müller", "<RENEE>") // whitespace collapsed, non-ASCII letters
	s.add("PADA001", "<PD>")
	s.add("Al", "<SHORT>") // too short to scrub: would hit ordinary words
	for _, c := range []struct{ in, want string }{
		{"Acknowledged by Ada Lovelace.", "Acknowledged by <ADA>."},
		{"ACKNOWLEDGED BY ADA LOVELACE via mobile", "ACKNOWLEDGED BY <ADA> via mobile"},
		{"Mail ada.lovelace@acme.example, or ping alovelace/fix-login", "Mail <EMAIL>, or ping <LOGIN>/fix-login"},
		{"Reassigned from Renée Müller to Ada Lovelace", "Reassigned from <RENEE> to <ADA>"},
		{`{"displayName":"Ada Lovelace","accountId":"PADA001"}`, `{"displayName":"<ADA>","accountId":"<PD>"}`},
		{"Ada fixed it; alovelaces is someone else; Adapter Lovelace too", "Ada fixed it; alovelaces is someone else; Adapter Lovelace too"},
		{"Ada  Lovelace (two spaces)\tor Ada\nLovelace", "<ADA> (two spaces)\tor <ADA>"},
		{"Ada, Lovelace", "Ada, Lovelace"},
		{"Al and Alice", "Al and Alice"},
		{"'Ada Lovelace' quoted", "'<ADA>' quoted"},
		{"", ""},
	} {
		got, changed := s.scrub(c.in)
		if got != c.want || changed != (c.in != c.want) {
			t.Errorf("scrub(%q) = %q, %v; want %q", c.in, got, changed, c.want)
		}
	}
	// Pseudonyms (64 hex digits) are never made known: a second pass changes nothing.
	s.add("3f1e0d9c8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79", "<X>")
	if len(s.known) != 5 {
		t.Errorf("%d known strings, want 5 (the short one and the pseudonym left out)", len(s.known))
	}
}
