package stats

import (
	"math"
	"testing"
)

// Reference values from R 4.x: qt(0.975, 10), qt(0.8, 10), 2 * pt(-2.5, 10), 2 * pt(-3, 4).
func TestStudentTMatchesR(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"TCritical(0.05, 10)", TCritical(0.05, 10), 2.228138851986},
		{"TPValue(2.5, 1, 10)", TPValue(2.5, 1, 10), 0.031446844},
		{"TPValue(-3, 1, 4)", TPValue(-3, 1, 4), 0.039941964},
		{"MDE_T(1, .05, .8, 10)", MinimumDetectableEffectT(1, 0.05, 0.8, 10), 2.228138851986 + 0.879057828},
		{"TCritical(0.05, +Inf)", TCritical(0.05, math.Inf(1)), 1.959963984540},
		{"TPValue(1.96, 1, +Inf)", TPValue(1.959963984540, 1, math.Inf(1)), 0.05},
		{"MDE_T(+Inf) = MDE", MinimumDetectableEffectT(0.012, 0.05, 0.8, math.Inf(1)), MinimumDetectableEffect(0.012, 0.05, 0.8)},
	} {
		if math.Abs(c.got-c.want) > 1e-8 {
			t.Errorf("%s = %.10f, want %.10f", c.name, c.got, c.want)
		}
	}
	if p := TPValue(1, 0, 10); !math.IsNaN(p) {
		t.Errorf("TPValue with se 0 = %v, want NaN", p)
	}
	// Heavier tails than the normal: the same ratio is less significant with few degrees of freedom.
	if TPValue(2.5, 1, 3) <= TPValue(2.5, 1, 30) || TPValue(2.5, 1, 30) <= TPValue(2.5, 1, math.Inf(1)) {
		t.Error("p-values do not fall as the degrees of freedom grow")
	}
}
