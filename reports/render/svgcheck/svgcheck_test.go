package svgcheck

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	ok := []string{
		`<svg xmlns="http://www.w3.org/2000/svg"><title>a &lt;b&gt;</title><rect width="1" height="1" fill="url(#g)"/></svg>`,
		`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#p"/></svg>`,
	}
	bad := []string{
		`<svg><script>alert(1)</script></svg>`,
		`<svg><rect onload="alert(1)"/></svg>`,
		`<svg><image href="http://example.com/x.png"/></svg>`,
		`<svg><a href="javascript:alert(1)"><text>x</text></a></svg>`,
		`<svg><rect style="fill:url(http://example.com/x)"/></svg>`,
		`<svg><foreignObject><div/></foreignObject></svg>`,
		`<div></div>`,
		`<svg></svg><svg></svg>`,
		`<svg><rect>`,
		`text<svg></svg>`,
	}
	for _, s := range ok {
		if err := Check([]byte(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range bad {
		if err := Check([]byte(s)); !errors.Is(err, ErrUnsafe) {
			t.Errorf("%s: accepted (%v)", s, err)
		}
	}
	if got := string(Element([]byte(`<?xml version="1.0"?>` + "\n<svg/>"))); got != "<svg/>" {
		t.Errorf("Element = %q", got)
	}
}
