// Package stats holds the estimators behind trainimpact's reports: pure
// functions over float64 slices with no I/O, no logging and no global state.
//
// The package covers, besides the staggered difference-in-differences
// estimator (did*.go):
//
//   - quantiles that match R and numpy: [Quantile7] (R type 7, numpy
//     "linear", DuckDB quantile_cont) and [Quantile1] (R type 1, inverse of
//     the empirical CDF);
//   - paired before/after comparisons: the Wilcoxon signed-rank test
//     ([SignedRank]) with the Hodges–Lehmann pseudo-median
//     ([HodgesLehmann], [HodgesLehmannCI]);
//   - two independent samples: the Mann–Whitney U / Wilcoxon rank-sum test
//     ([RankSum]) with the Hodges–Lehmann shift ([HodgesLehmannShift],
//     [HodgesLehmannShiftCI]);
//   - censoring-aware durations: the Kaplan–Meier estimator with Greenwood
//     variance, log-scale pointwise intervals and median survival with its
//     interval ([KaplanMeier]), and the two-group log-rank test ([LogRank]);
//   - rates and proportions: the exact conditional Poisson rate ratio
//     ([PoissonRateRatio]) and the two-proportion chi-square test
//     ([TwoProportion]);
//   - across metrics: Benjamini–Hochberg q-values ([BenjaminiHochberg]) and
//     the minimum detectable effect ([MinimumDetectableEffect]);
//   - resampling: the cluster (unit) bootstrap ([ClusterBootstrap],
//     [ClusterBootstrapCI], [PercentileCI]) driven by a caller-supplied
//     rand.Source, so results are reproducible for a seed.
//
// Conventions follow gonum's stat package: data slices come first, then
// optional weights (nil means every weight is 1); multiple results are named.
// Functions panic only on programmer errors (slices of different lengths,
// a probability outside [0, 1], unsorted input where sorted input is
// required) and return the package's sentinel errors (see errors.go) for
// problems in the data, such as an empty cell or too few observations.
//
// Every estimator reproduces a reference implementation, named in its doc
// comment — almost always R (stats and survival packages) — and the tests pin
// the reference values together with the exact call that produced them.
package stats
