package stats

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// refNear reports a test failure unless got equals want within tol
// (absolute or relative, as scalar.EqualWithinAbsOrRel); NaN equals NaN and
// equal infinities are equal.
func refNear(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	switch {
	case math.IsNaN(want) && math.IsNaN(got):
		return
	case math.IsInf(want, 0) && got == want:
		return
	}
	if !scalar.EqualWithinAbsOrRel(got, want, tol, tol) {
		t.Errorf("%s = %.17g, want %.17g (tol %g)", name, got, want, tol)
	}
}

// refPanics reports a test failure unless f panics with message msg.
func refPanics(t *testing.T, name, msg string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic, want %q", name, msg)
			return
		}
		if s, _ := r.(string); s != msg {
			t.Errorf("%s: panic %v, want %q", name, r, msg)
		}
	}()
	f()
}
