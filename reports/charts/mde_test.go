package charts

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/trainimpact/trainimpact/reports/render/svgcheck"
)

var mdeSeries = []MDESeries{
	{Teams: 20, Points: []MDEPoint{{1, 31, 29, 34}, {2, 24, 22, 26}, {3, 21, 19.5, 22.4}, {4, 19.4, 18, 21}}},
	{Teams: 5, Points: []MDEPoint{{1, 66, 60, 73}, {2, 52, 47, 58}, {3, math.NaN(), math.NaN(), math.NaN()}, {4, 40, 36, 45}}},
	{Teams: 10, Points: []MDEPoint{{1, 45, 41, 50}, {2, 35, 32, 38}, {3, 30, 28, 33}, {4, 28, math.NaN(), 30}}},
}

// TestMDEGrid: the chart is safe, valid SVG (svgcheck), deterministic, names every line in its
// legend and Alt with the numbers and intervals, and says which point is missing.
func TestMDEGrid(t *testing.T) {
	f, err := mdeGrid("Time to resolve an incident: smallest detectable change", "Smallest detectable decrease (%)", mdeSeries)
	if err != nil {
		t.Fatal(err)
	}
	writeExample(t, "mde", f)
	ch, err := f.svg()
	if err != nil {
		t.Fatal(err)
	}
	if err := svgcheck.Check(ch.SVG); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"5 teams trained", "10 teams trained", "20 teams trained", "Quarters observed"} {
		if !bytes.Contains(ch.SVG, []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}
	for _, s := range []string{"20 teams trained: 1 quarter: 31% (29 to 34)", "4 quarters: 19.4% (18 to 21)", "4 quarters: 28%;",
		"Not shown, not estimable: 5 teams, 3 quarters"} {
		if !strings.Contains(ch.Alt, s) {
			t.Errorf("Alt lacks %q:\n%s", s, ch.Alt)
		}
	}
	if strings.Index(ch.Alt, "5 teams trained") > strings.Index(ch.Alt, "20 teams trained") {
		t.Errorf("series not in order of teams:\n%s", ch.Alt)
	}
	again, _ := MDEGrid("Time to resolve an incident: smallest detectable change", "Smallest detectable decrease (%)", mdeSeries)
	if !bytes.Equal(again.SVG, ch.SVG) {
		t.Error("two renderings differ")
	}
	if _, err := MDEGrid("x", "y", []MDESeries{{Teams: 3, Points: []MDEPoint{{1, math.NaN(), 0, 0}}}}); !errors.Is(err, ErrNoData) {
		t.Errorf("nothing to draw: %v", err)
	}
	if _, err := MDEGrid("x <&>", "y", []MDESeries{{Teams: 1, Points: []MDEPoint{{2, 0.5, 0.4, 0.6}}}}); err != nil {
		t.Errorf("one point: %v", err)
	}
}
