package md

import "testing"

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"<script>alert(1)</script>": "&lt;script&gt;alert(1)&lt;/script&gt;",
		"a|b":                       `a\|b`,
		"[x](http://e)":             `\[x\](http://e)`,
		"*bold* _it_ `c` #h":        "\\*bold\\* \\_it\\_ \\`c\\` \\#h",
		"line\nbreak":               "line break",
		"Tom & Jerry":               "Tom &amp; Jerry",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}
