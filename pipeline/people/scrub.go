package people

import (
	"strings"
	"unicode"
)

// scrubber replaces every known personal string (a name, an email, a login, an account id) found
// in free text by its pseudonym. Matching is case-insensitive and on whole words: text is cut into
// tokens (letters, digits and . _ @ + - ' inside a token), and runs of up to maxWords tokens
// separated by white space only are looked up, longest first. A first name alone, or a name written
// differently from its account, is not known and stays.
type scrubber struct {
	known    map[string]string // lower-cased personal string → pseudonym
	maxWords int
}

// minKnown is the shortest string scrubbed: shorter ones ("Al", "jo") would hit ordinary words.
const minKnown = 3

func newScrubber() *scrubber { return &scrubber{known: map[string]string{}, maxWords: 1} }

// add makes value known, replaced by pseudonym.
func (s *scrubber) add(value, pseudonym string) {
	v := strings.ToLower(strings.Join(strings.Fields(value), " "))
	if len([]rune(v)) < minKnown || hashRE.MatchString(v) {
		return
	}
	if _, ok := s.known[v]; !ok {
		s.known[v] = pseudonym
	}
	s.maxWords = max(s.maxWords, strings.Count(v, " ")+1)
}

type span struct{ start, end int }

func tokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._@+-'", r)
}

// tokens returns the byte spans of text's tokens, without leading or trailing . - ' (sentence
// punctuation, quotes).
func tokens(text string) []span {
	var out []span
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		t := strings.Trim(text[start:end], ".-'")
		if t != "" {
			s := start + strings.Index(text[start:end], t)
			out = append(out, span{s, s + len(t)})
		}
		start = -1
	}
	for i, r := range text {
		if tokenRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return out
}

// scrub returns text with every known string replaced, and whether anything was.
func (s *scrubber) scrub(text string) (string, bool) {
	if len(s.known) == 0 || text == "" {
		return text, false
	}
	toks := tokens(text)
	var b strings.Builder
	last, changed := 0, false
	for i := 0; i < len(toks); {
		matched := 0
		for n := min(s.maxWords, len(toks)-i); n >= 1; n-- {
			ok := true
			for j := i; j < i+n-1 && ok; j++ {
				ok = strings.TrimSpace(text[toks[j].end:toks[j+1].start]) == ""
			}
			if !ok {
				continue
			}
			run := text[toks[i].start:toks[i+n-1].end]
			if n > 1 {
				run = strings.Join(strings.Fields(run), " ")
			}
			if p, hit := s.known[strings.ToLower(run)]; hit {
				b.WriteString(text[last:toks[i].start])
				b.WriteString(p)
				last, changed, matched = toks[i+n-1].end, true, n
				break
			}
		}
		if matched == 0 {
			matched = 1
		}
		i += matched
	}
	if !changed {
		return text, false
	}
	b.WriteString(text[last:])
	return b.String(), true
}
