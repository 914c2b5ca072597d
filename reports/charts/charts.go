// Package charts is a PLACEHOLDER for helper H7's package of the same API (gonum.org/v1/plot → SVG).
// It exists only on branch h5 until h7 is merged, and is removed by that merge.
package charts

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"
)

// Chart is a rendered chart: an SVG element with a title and a text alternative.
type Chart struct {
	Title, Alt string
	SVG        []byte
}

// Interval is one labelled estimate with its interval.
type Interval struct {
	Label               string
	Estimate, Low, High float64
}

// EventPoint is one event-study estimate.
type EventPoint struct {
	RelPeriod           int
	Estimate, Low, High float64
	Suppressed          bool
}

// CohortTeams is the number of teams trained in one month.
type CohortTeams struct {
	Month time.Time
	Teams int
}

func placeholder(title, alt string) (Chart, error) {
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120" viewBox="0 0 480 120" role="img"><title>`)
	_ = xml.EscapeText(&b, []byte(title))
	b.WriteString(`</title><rect x="1" y="1" width="478" height="118" fill="none" stroke="#888"/><text x="10" y="60">`)
	_ = xml.EscapeText(&b, []byte(title))
	b.WriteString(`</text></svg>`)
	return Chart{Title: title, Alt: alt, SVG: b.Bytes()}, nil
}

// Forest draws estimates with intervals on a relative scale, zero marked.
func Forest(title, xLabel string, rows []Interval) (Chart, error) {
	return placeholder(title, fmt.Sprintf("%d estimates (%s)", len(rows), xLabel))
}

// EventStudy draws effects by periods since training with a band.
func EventStudy(title, yLabel string, pts []EventPoint) (Chart, error) {
	return placeholder(title, fmt.Sprintf("%d periods (%s)", len(pts), yLabel))
}

// CohortTimeline draws teams trained per month.
func CohortTimeline(title string, cs []CohortTeams) (Chart, error) {
	return placeholder(title, fmt.Sprintf("%d months", len(cs)))
}

// ROIBreakdown draws benefit per metric with intervals against the cost line.
func ROIBreakdown(title, currency string, rows []Interval, cost float64) (Chart, error) {
	return placeholder(title, fmt.Sprintf("%d metrics, cost %.0f %s", len(rows), cost, currency))
}

// Distribution draws pre and post durations.
func Distribution(title, unit string, pre, post []float64) (Chart, error) {
	return placeholder(title, fmt.Sprintf("%d before, %d after (%s)", len(pre), len(post), unit))
}
