// Package svgcheck decides whether a chart's SVG may be embedded in a report as it is: one <svg>
// element with no script, no event handler, no foreign content and no reference outside itself.
// Writers embed an SVG only after Check returns nil, so a chart can never carry code or a request
// into a report.
package svgcheck

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrUnsafe reports an SVG that must not be embedded.
var ErrUnsafe = errors.New("svgcheck: unsafe svg")

// Check parses svg and returns an error wrapping ErrUnsafe when it is not one well-formed <svg>
// element, or holds a script, a foreignObject, an on* attribute, or an href/src/style url that
// points outside the document.
func Check(svg []byte) error {
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrUnsafe, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if t.Name.Local != "svg" || roots > 1 {
					return fmt.Errorf("%w: root element %q", ErrUnsafe, t.Name.Local)
				}
			}
			depth++
			switch strings.ToLower(t.Name.Local) {
			case "script", "foreignobject", "iframe", "object", "embed", "image", "use":
				if strings.ToLower(t.Name.Local) != "use" || !localRefs(t.Attr) {
					return fmt.Errorf("%w: element <%s>", ErrUnsafe, t.Name.Local)
				}
			}
			for _, a := range t.Attr {
				n := strings.ToLower(a.Name.Local)
				v := strings.ToLower(strings.TrimSpace(a.Value))
				if strings.HasPrefix(n, "on") {
					return fmt.Errorf("%w: attribute %s", ErrUnsafe, a.Name.Local)
				}
				if (n == "href" || n == "src") && !strings.HasPrefix(v, "#") {
					return fmt.Errorf("%w: reference %q", ErrUnsafe, a.Value)
				}
				if strings.Contains(v, "url(") && !strings.Contains(v, "url(#") || strings.Contains(v, "javascript:") {
					return fmt.Errorf("%w: %s=%q", ErrUnsafe, a.Name.Local, a.Value)
				}
			}
		case xml.EndElement:
			depth--
		case xml.ProcInst, xml.Directive:
			if pi, ok := t.(xml.ProcInst); ok && pi.Target == "xml" && depth == 0 {
				continue
			}
			return fmt.Errorf("%w: processing instruction or directive", ErrUnsafe)
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%w: text outside <svg>", ErrUnsafe)
			}
		}
	}
	if roots != 1 {
		return fmt.Errorf("%w: no <svg> element", ErrUnsafe)
	}
	return nil
}

func localRefs(attrs []xml.Attr) bool {
	for _, a := range attrs {
		if strings.EqualFold(a.Name.Local, "href") && !strings.HasPrefix(strings.TrimSpace(a.Value), "#") {
			return false
		}
	}
	return true
}

// Element returns the SVG from its <svg> start tag on (dropping an XML declaration or a doctype
// before it), ready to be placed inside HTML.
func Element(svg []byte) []byte {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		return svg[i:]
	}
	return svg
}
