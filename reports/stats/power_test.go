package stats

import (
	"math"
	"testing"
)

func TestMinimumDetectableEffect(t *testing.T) {
	// R 4.2.2: (qnorm(0.975) + qnorm(0.8)) * 0.1 = 0.2801585218112968
	refNear(t, "mde", MinimumDetectableEffect(0.1, 0.05, DefaultPower), 0.2801585218112968, 1e-14)
	// R: (qnorm(0.95) + qnorm(0.9)) * 2.5 = 7.3160129812401813
	refNear(t, "mde 10%/90%", MinimumDetectableEffect(2.5, 0.1, 0.9), 7.3160129812401813, 1e-14)
	// statsmodels NormalIndPower().solve_power(nobs1=1, alpha=0.05,
	// power=0.8, ratio=0) = 2.8015817571418333: the exact two-sided power
	// equation, which also counts rejections in the wrong direction; the
	// difference is below 2e-6 relative.
	refNear(t, "mde vs statsmodels", MinimumDetectableEffect(1, 0.05, 0.8), 2.8015817571418333, 2e-6)
	if !math.IsNaN(MinimumDetectableEffect(math.NaN(), 0.05, 0.8)) || !math.IsNaN(MinimumDetectableEffect(-1, 0.05, 0.8)) {
		t.Error("NaN or negative se should give NaN")
	}
	refPanics(t, "alpha", "stats: alpha or power out of (0, 1)", func() { MinimumDetectableEffect(1, 0, 0.8) })
	refPanics(t, "power", "stats: alpha or power out of (0, 1)", func() { MinimumDetectableEffect(1, 0.05, 1) })
}
