package stats

import "errors"

// Sentinel errors for problems in the data (as opposed to programmer errors,
// which panic). Callers test for them with errors.Is. Other files of the
// package may declare further sentinels of their own.
var (
	// ErrEmptyCell reports that a group, cell or sample that the estimator
	// needs is empty (for example a Kaplan–Meier curve with no observations,
	// a proportion with zero trials or a rate with zero events in total).
	ErrEmptyCell = errors.New("stats: empty cell")

	// ErrTooFewObservations reports that there are observations, but too few
	// for the estimator to be defined (for example a signed-rank test where
	// every difference is zero).
	ErrTooFewObservations = errors.New("stats: too few observations")

	// ErrNoVariation reports that the data carry no variation the statistic
	// can use, so its variance is zero (for example two proportions that are
	// both 0 or both 1, or a log-rank test whose groups are never both at
	// risk when an event occurs).
	ErrNoVariation = errors.New("stats: no variation in data")

	// ErrInvalidCount reports a count that is negative or larger than its
	// number of trials.
	ErrInvalidCount = errors.New("stats: invalid count")

	// ErrNonPositiveExposure reports an exposure (person-time, weeks
	// observed, …) that is zero, negative or not finite.
	ErrNonPositiveExposure = errors.New("stats: non-positive exposure")
)
