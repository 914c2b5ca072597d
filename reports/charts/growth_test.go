package charts

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestGrowth(t *testing.T) {
	series := []Series{
		{Label: "analyze", X: []float64{1e5, 1e6, 1e7}, Y: []float64{3, 12, 90}},
		{Label: "report <b>", X: []float64{1e5, 1e6, 1e7}, Y: []float64{0.2, 0.3, 0.9}},
		{Label: "derive", X: []float64{1e5, 1e6, 1e7}, Y: []float64{0.24, math.NaN(), 20}},
		{Label: "rebuild", X: []float64{86727, 850202}, Y: []float64{4.6, 70}},
	}
	ch, err := Growth("Time against metric events", "Metric events", "Seconds", series)
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, ch, "Time against metric events", "analyze", "report <b>", "linear growth (slope 1)", "Metric events", "Seconds")
	// The exponents are the log–log slopes between consecutive points.
	for _, want := range []string{"growth exponents 0.60, 0.88", "growth exponents 0.18, 0.48", "growth exponents 0.96",
		"Not shown: 1 point with a value that is not positive (derive)", "rebuild: 4.6 at 86.7k, 70 at 850k"} {
		if !strings.Contains(ch.Alt, want) {
			t.Errorf("Alt lacks %q: %s", want, ch.Alt)
		}
	}
	if _, err := Growth("t", "x", "y", []Series{{Label: "a", X: []float64{1}, Y: []float64{0}}}); !errors.Is(err, ErrNoData) {
		t.Errorf("all points non-positive: %v, want ErrNoData", err)
	}
	if _, err := Growth("t", "x", "y", []Series{{Label: "a", X: []float64{1, 2}, Y: []float64{1}}}); err == nil {
		t.Error("x and y of different lengths: no error")
	}
}
