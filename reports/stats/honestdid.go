package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
	"gonum.org/v1/gonum/stat/distuv"
)

// ErrSensitivityInput reports event-study inputs RelativeMagnitudes cannot use: fewer than one
// pre-period or two post-periods, a covariance that is not positive on the target, or
// mismatched lengths.
var ErrSensitivityInput = errors.New("stats: sensitivity analysis: unusable event study")

// SensitivityOptions configures RelativeMagnitudes. The zero value is HonestDiD's default for
// createSensitivityResults_relativeMagnitudes with method "C-LF".
type SensitivityOptions struct {
	// Alpha is the size of the test inverted (0 means 0.05); the least-favourable first stage
	// has size Alpha/10 (HonestDiD's hybrid_kappa).
	Alpha float64
	// GridPoints is the number of equally spaced values of θ tested (0 means 1000).
	GridPoints int
	// GridLo and GridHi bound the grid; both 0 means ±20 standard errors of l'β_post around 0,
	// as HonestDiD.
	GridLo, GridHi float64
	// Sims is the number of draws of the least-favourable critical value (0 means 1000) and Seed
	// R's set.seed value for them (HonestDiD: 0).
	Sims int
	Seed uint32
}

// SensitivityInterval is a robust confidence interval for θ = l'τ_post under Δ^RM(M̄).
type SensitivityInterval struct {
	Mbar   float64
	Lo, Hi float64 // smallest and largest accepted grid value; NaN when none is accepted
	// OpenLo and OpenHi report that the first or last grid value was accepted, so the interval
	// may extend beyond the grid on that side.
	OpenLo, OpenHi bool
}

// RelativeMagnitudes computes Rambachan & Roth's robust confidence sets for θ = l'τ_post when the
// post-treatment violations of parallel trends are bounded relative to the pre-treatment ones
// ("A More Credible Approach to Parallel Trends", Review of Economic Studies 90(5), 2023, §2.4.2,
// §3–5): with event-study coefficients β = τ + δ (numPre pre-periods, then numPost post-periods,
// the reference period −1 excluded and normalised to 0), the bias δ lies in
//
//	Δ^RM(M̄) = { δ : |δ_{t+1} − δ_t| ≤ M̄ · max_{s<0} |δ_{s+1} − δ_s| for all t ≥ 0 }
//
// (δ_0 = 0 at the reference period). Δ^RM is a finite union of polyhedra Δ^RM_{s,±}(M̄), one for
// each pre-period first difference s and sign that attains the maximum, so the confidence set is
// the union of the sets for each (s, ±) (R&R Lemma 2.2, §5.3). Each is the inversion over a grid
// of θ of the conditional-least-favourable hybrid test of Andrews, Roth & Pakes ("Inference for
// Linear Conditional Moment Inequalities", Review of Economic Studies 2023, §3–4) for the moment
// inequalities A(β − τ) ≤ 0 with l'τ_post = θ and the other post-treatment τ as nuisance
// parameters. With Y = Aβ − A_post Γ⁻¹ e₁ θ, X = A_post Γ⁻¹ (columns 2…), Σ_Y = AΣA' and σ_j the
// standard deviations of Y (the moments that involve post-periods only, as HonestDiD's
// postPeriodMomentsOnly):
//
//	η̂ = min_{η, δ} η  s.t.  Y − Xδ ≤ σ·η   (dual: max_{λ ≥ 0, σ'λ = 1, X'λ = 0} λ'Y),
//
// rejected when η̂ exceeds the least-favourable critical value c_LF (the 1 − α/10 quantile of η
// at Y ~ N(0, Σ_Y), by simulation), else when η̂/σ_B exceeds the 1 − (α − κ)/(1 − κ) quantile of
// the standard normal truncated to [v_lo, min(v_up, c_LF)]/σ_B, the bounds of η̂ given the
// sufficient statistic for the nuisance directions (ARP Proposition 3.3; from the basis of the
// optimal vertex, or by bisection on the dual program when that vertex is degenerate).
//
// The algorithm, grid and defaults are those documented for HonestDiD's
// createSensitivityResults_relativeMagnitudes (method "C-LF"), including the simulation of c_LF:
// Sims draws of N(0, Σ_Y) as mvtnorm::rmvnorm (symmetric square root) from R's generator after
// set.seed(Seed), so results agree with the package (TestRelativeMagnitudesHonestDiD).
// Requires numPre ≥ 1 and numPost ≥ 2 (one post-period needs the test without nuisance
// parameters, not implemented). sigma is the covariance of β.
func RelativeMagnitudes(beta []float64, sigma mat.Symmetric, numPre, numPost int, l []float64, mbars []float64, opts SensitivityOptions) ([]SensitivityInterval, error) {
	T := numPre + numPost
	if numPre < 1 || numPost < 2 || len(beta) != T || sigma.SymmetricDim() != T || len(l) != numPost {
		return nil, fmt.Errorf("%w: %d coefficients, %d×%d covariance, %d pre and %d post periods, l of length %d",
			ErrSensitivityInput, len(beta), sigma.SymmetricDim(), sigma.SymmetricDim(), numPre, numPost, len(l))
	}
	alpha := opts.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	points := opts.GridPoints
	if points == 0 {
		points = 1000
	}
	sims := opts.Sims
	if sims == 0 {
		sims = 1000
	}
	var v float64
	for i := range numPost {
		for j := range numPost {
			v += l[i] * sigma.At(numPre+i, numPre+j) * l[j]
		}
	}
	if !(v > 0) {
		return nil, fmt.Errorf("%w: variance of l'β_post is %v", ErrSensitivityInput, v)
	}
	lo, hi := opts.GridLo, opts.GridHi
	if lo == 0 && hi == 0 {
		lo, hi = -20*math.Sqrt(v), 20*math.Sqrt(v)
	}
	grid := make([]float64, points)
	step := (hi - lo) / float64(points-1)
	for i := range grid {
		grid[i] = lo + float64(i)*step
	}
	grid[points-1] = hi
	gammaInv, err := honestGammaInverse(l)
	if err != nil {
		return nil, err
	}
	kappa := alpha / 10
	out := make([]SensitivityInterval, 0, len(mbars))
	for _, mbar := range mbars {
		accept := make([]bool, points)
		for s := -(numPre - 1); s <= 0; s++ {
			for _, plus := range []bool{true, false} {
				A := honestRMConstraints(numPre, numPost, mbar, s, plus)
				t := newARPProblem(A, beta, sigma, numPre, numPost, gammaInv)
				if t == nil {
					continue
				}
				t.lfCV = t.leastFavourableCV(kappa, sims, opts.Seed)
				for i, theta := range grid {
					if !accept[i] && !t.reject(theta, alpha, kappa) {
						accept[i] = true
					}
				}
			}
		}
		iv := SensitivityInterval{Mbar: mbar, Lo: math.NaN(), Hi: math.NaN()}
		for i, a := range accept {
			if a {
				if math.IsNaN(iv.Lo) {
					iv.Lo = grid[i]
				}
				iv.Hi = grid[i]
			}
		}
		iv.OpenLo, iv.OpenHi = accept[0], accept[points-1]
		out = append(out, iv)
	}
	return out, nil
}

// BreakdownMbar returns the smallest M̄ in [lo, hi] at which θ = 0 is no longer rejected, i.e.
// belongs to the robust confidence set of RelativeMagnitudes (the sets grow with M̄), to within
// tol, by bisection on the test at θ = 0 (no grid). The caller may narrow [lo, hi] from intervals
// already computed (0 rejected at lo, accepted at hi); BreakdownMbar checks both ends: it returns
// lo when 0 is accepted at lo and +Inf when 0 is still rejected at hi.
func BreakdownMbar(beta []float64, sigma mat.Symmetric, numPre, numPost int, l []float64, lo, hi, tol float64, opts SensitivityOptions) (float64, error) {
	covers := func(m float64) (bool, error) {
		return RelativeMagnitudesAccepts(beta, sigma, numPre, numPost, l, m, 0, opts)
	}
	if c, err := covers(lo); err != nil || c {
		return lo, err
	}
	if c, err := covers(hi); err != nil || !c {
		return math.Inf(1), err
	}
	a, b := lo, hi
	for b-a > tol {
		m := (a + b) / 2
		c, err := covers(m)
		if err != nil {
			return math.NaN(), err
		}
		if c {
			b = m
		} else {
			a = m
		}
	}
	return b, nil
}

// RelativeMagnitudesAccepts reports whether θ belongs to the robust confidence set of
// RelativeMagnitudes at M̄ = mbar (the hybrid test of some Δ^RM_{s,±}(M̄) does not reject it).
func RelativeMagnitudesAccepts(beta []float64, sigma mat.Symmetric, numPre, numPost int, l []float64, mbar, theta float64, opts SensitivityOptions) (bool, error) {
	T := numPre + numPost
	if numPre < 1 || numPost < 2 || len(beta) != T || sigma.SymmetricDim() != T || len(l) != numPost {
		return false, fmt.Errorf("%w: %d coefficients, %d pre and %d post periods, l of length %d",
			ErrSensitivityInput, len(beta), numPre, numPost, len(l))
	}
	alpha := opts.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	sims := opts.Sims
	if sims == 0 {
		sims = 1000
	}
	gammaInv, err := honestGammaInverse(l)
	if err != nil {
		return false, err
	}
	for s := -(numPre - 1); s <= 0; s++ {
		for _, plus := range []bool{true, false} {
			t := newARPProblem(honestRMConstraints(numPre, numPost, mbar, s, plus), beta, sigma, numPre, numPost, gammaInv)
			if t == nil {
				continue
			}
			t.lfCV = t.leastFavourableCV(alpha/10, sims, opts.Seed)
			if !t.reject(theta, alpha, alpha/10) {
				return true, nil
			}
		}
	}
	return false, nil
}

// honestRMConstraints returns the rows of A with Δ^RM_{s,±}(M̄) = {δ : Aδ ≤ 0}, δ the T =
// numPre + numPost coefficients without the reference period: every first difference δ_{t+1} − δ_t
// of the extended vector (δ_0 = 0 inserted) is bounded in absolute value by ±(δ_{s} − δ_{s−1})
// (the pre-period difference that attains the maximum, with sign) for pre-period differences and
// by M̄ times it for post-period ones; rows that vanish identically are dropped.
func honestRMConstraints(numPre, numPost int, mbar float64, s int, plus bool) *mat.Dense {
	T := numPre + numPost
	// Work on T+1 columns (reference included at index numPre), then drop it.
	vmax := make([]float64, T+1)
	vmax[numPre+s-1], vmax[numPre+s] = -1, 1
	if !plus {
		vmax[numPre+s-1], vmax[numPre+s] = 1, -1
	}
	var rows [][]float64
	for sign := 1.0; sign >= -1; sign -= 2 {
		for r := 0; r < T; r++ {
			row := make([]float64, T+1)
			row[r], row[r+1] = -sign, sign
			m := 1.0
			if r >= numPre {
				m = mbar
			}
			var ss float64
			for j := range row {
				row[j] -= m * vmax[j]
				ss += row[j] * row[j]
			}
			if ss <= 1e-10 {
				continue
			}
			rows = append(rows, append(slices.Clone(row[:numPre]), row[numPre+1:]...))
		}
	}
	A := mat.NewDense(len(rows), T, nil)
	for i, r := range rows {
		A.SetRow(i, r)
	}
	return A
}

// honestGammaInverse returns Γ⁻¹ for ARP's change of variables of the post-period effects: Γ has
// l' as its first row and, below it, the unit vectors e_j' (in order) that are linearly
// independent of l and of the earlier ones (the pivot columns of the reduced row echelon form
// of [l, I]), so that Γτ = (l'τ, nuisance…).
func honestGammaInverse(l []float64) (*mat.Dense, error) {
	n := len(l)
	G := mat.NewDense(n, n, nil)
	G.SetRow(0, l)
	var basis [][]float64 // orthonormalised kept rows
	add := func(v []float64) bool {
		w := slices.Clone(v)
		for _, b := range basis {
			var d float64
			for i := range w {
				d += w[i] * b[i]
			}
			for i := range w {
				w[i] -= d * b[i]
			}
		}
		var nn float64
		for _, x := range w {
			nn += x * x
		}
		if math.Sqrt(nn) <= 1e-10 {
			return false
		}
		for i := range w {
			w[i] /= math.Sqrt(nn)
		}
		basis = append(basis, w)
		return true
	}
	if !add(l) {
		return nil, fmt.Errorf("%w: l is zero", ErrSensitivityInput)
	}
	row := 1
	for j := 0; j < n && row < n; j++ {
		e := make([]float64, n)
		e[j] = 1
		if add(e) {
			G.SetRow(row, e)
			row++
		}
	}
	var inv mat.Dense
	if err := inv.Inverse(G); err != nil {
		return nil, fmt.Errorf("%w: Γ: %w", ErrSensitivityInput, err)
	}
	return &inv, nil
}

// arpProblem is the ARP test of one polyhedron: the moments Y(θ) = y0 − a1·θ, nuisance matrix X
// and covariance S, restricted to the moments involving post-periods.
type arpProblem struct {
	y0, a1 []float64
	X      *mat.Dense // M × k
	S      *mat.SymDense
	sd     []float64
	lfCV   float64
}

func newARPProblem(A *mat.Dense, beta []float64, sigma mat.Symmetric, numPre, numPost int, gammaInv *mat.Dense) *arpProblem {
	rowsA, T := A.Dims()
	var keep []int
	for i := range rowsA {
		for j := numPre; j < T; j++ {
			if A.At(i, j) != 0 {
				keep = append(keep, i)
				break
			}
		}
	}
	M := len(keep)
	if M == 0 {
		return nil
	}
	k := numPost - 1
	p := &arpProblem{y0: make([]float64, M), a1: make([]float64, M), X: mat.NewDense(M, k, nil),
		S: mat.NewSymDense(M, nil), sd: make([]float64, M)}
	var AG mat.Dense
	AG.Mul(A.Slice(0, rowsA, numPre, T), gammaInv)
	var SA mat.Dense
	SA.Mul(sigma, A.T())
	for r, i := range keep {
		for j := range T {
			p.y0[r] += A.At(i, j) * beta[j]
		}
		p.a1[r] = AG.At(i, 0)
		for c := range k {
			p.X.Set(r, c, AG.At(i, c+1))
		}
		for r2, i2 := range keep[r:] {
			var v float64
			for j := range T {
				v += A.At(i, j) * SA.At(j, i2)
			}
			p.S.SetSym(r, r+r2, v)
		}
		p.sd[r] = math.Sqrt(p.S.At(r, r))
	}
	return p
}

// etaDual solves max λ'y s.t. λ ≥ 0, σ'λ = 1, X'λ = 0 (the dual of min η s.t. y − Xδ ≤ σ·η) with
// gonum's simplex and returns η̂ and the optimal vertex λ; ok is false when it has no solution.
func (p *arpProblem) etaDual(y []float64) (eta float64, lambda []float64, ok bool) {
	return dualVertex(p.sd, p.X, y)
}

// dualVertex maximises f'λ s.t. λ ≥ 0, W'λ = e₁ with W = [sd, X] (see dualProgram).
func dualVertex(sd []float64, X *mat.Dense, f []float64) (float64, []float64, bool) {
	return newDualProgram(sd, X).solve(f)
}

// dualProgram is the feasible set {λ ≥ 0 : σ'λ = 1, X'λ = 0} in gonum's standard form, with the
// equality rows that are zero or linearly dependent on earlier ones removed (an inconsistent one
// makes it infeasible), and a cache of optimal bases for solving it for many objectives.
type dualProgram struct {
	A        *mat.Dense
	b        []float64
	feasible bool
	bases    []dualBasis
}

// dualBasis is a feasible basis: columns idx of A, the inverse of A[:, idx] and the basic values.
type dualBasis struct {
	idx  []int
	inv  *mat.Dense
	xb   []float64
	hits int
}

func newDualProgram(sd []float64, X *mat.Dense) *dualProgram {
	M, k := X.Dims()
	rows := [][]float64{slices.Clone(sd)}
	b := []float64{1}
	var basis [][]float64 // orthonormalised rows kept
	keepRow := func(v []float64) bool {
		w := slices.Clone(v)
		for _, q := range basis {
			var d float64
			for i := range w {
				d += w[i] * q[i]
			}
			for i := range w {
				w[i] -= d * q[i]
			}
		}
		var nn float64
		for _, x := range w {
			nn += x * x
		}
		if math.Sqrt(nn) <= 1e-9 {
			return false
		}
		for i := range w {
			w[i] /= math.Sqrt(nn)
		}
		basis = append(basis, w)
		return true
	}
	keepRow(sd)
	d := &dualProgram{feasible: true}
	for c := range k {
		col := make([]float64, M)
		mat.Col(col, c, X)
		if keepRow(col) {
			rows = append(rows, col)
			b = append(b, 0)
			continue
		}
		// Dependent: consistent only if the row lies in the span of the X rows kept (its
		// component along the σ direction, orthogonal to them, must vanish).
		if !honestInSpanOfX(col, rows[1:]) {
			d.feasible = false
			return d
		}
	}
	d.A = mat.NewDense(len(rows), M, nil)
	for i, r := range rows {
		d.A.SetRow(i, r)
	}
	d.b = b
	return d
}

// solve maximises f'λ over the program with gonum's simplex (cold start).
func (d *dualProgram) solve(f []float64) (float64, []float64, bool) {
	if !d.feasible {
		return math.NaN(), nil, false
	}
	c := make([]float64, len(f))
	for i := range c {
		c[i] = -f[i]
	}
	opt, x, err := lp.Simplex(c, d.A, d.b, 1e-10, nil)
	if err != nil {
		return math.NaN(), nil, false
	}
	return -opt, x, true
}

// value is the optimal value of max f'λ, the same as solve's, found faster when f varies only a
// little in the sense that matters: a cached basis is used when it is optimal for f (every reduced
// cost f_j − yᵀA_j ≤ 1e-12·(1 + |f|∞) with y = B⁻ᵀf_B), else the simplex runs and its optimal
// basis joins the cache. A basis is only ever used when it is optimal, so the value is exact.
func (d *dualProgram) value(f []float64) (float64, bool) {
	if !d.feasible {
		return math.NaN(), false
	}
	r, M := d.A.Dims()
	var fmax float64
	for _, v := range f {
		fmax = math.Max(fmax, math.Abs(v))
	}
	tol := 1e-12 * (1 + fmax)
	y := make([]float64, r)
	inB := make([]bool, M)
	best, bestV := -1, math.Inf(-1)
	for bi := range d.bases {
		bs := &d.bases[bi]
		var bv float64
		for j, col := range bs.idx {
			bv += f[col] * bs.xb[j]
		}
		if bv > bestV {
			best, bestV = bi, bv
		}
		for i := range y {
			var s float64
			for j, col := range bs.idx {
				s += bs.inv.At(j, i) * f[col]
			}
			y[i] = s
		}
		for _, col := range bs.idx {
			inB[col] = true
		}
		optimal := true
		for j := 0; j < M && optimal; j++ {
			if inB[j] {
				continue
			}
			rc := f[j]
			for i := range r {
				rc -= y[i] * d.A.At(i, j)
			}
			optimal = rc <= tol
		}
		for _, col := range bs.idx {
			inB[col] = false
		}
		if optimal {
			var v float64
			for j, col := range bs.idx {
				v += f[col] * bs.xb[j]
			}
			bs.hits++
			if bi > 0 && bs.hits > d.bases[bi-1].hits {
				d.bases[bi], d.bases[bi-1] = d.bases[bi-1], d.bases[bi]
			}
			return v, true
		}
	}
	var start []int
	if best >= 0 {
		start = d.bases[best].idx
	}
	v, x, ok := d.solveFrom(f, start)
	if ok {
		d.addBasis(x)
	}
	return v, ok
}

// solveFrom is solve warm-started from a feasible basis (nil: cold); should gonum refuse the basis
// (it panics on one it finds infeasible), it starts cold.
func (d *dualProgram) solveFrom(f []float64, start []int) (v float64, x []float64, ok bool) {
	if start == nil {
		return d.solve(f)
	}
	c := make([]float64, len(f))
	for i := range c {
		c[i] = -f[i]
	}
	defer func() {
		if recover() != nil {
			v, x, ok = d.solve(f)
		}
	}()
	opt, x, err := lp.Simplex(c, d.A, d.b, 1e-10, slices.Clone(start))
	if err != nil {
		return d.solve(f)
	}
	return -opt, x, true
}

// addBasis caches the basis of the vertex x: its positive entries, completed with further columns
// of A that keep the basis matrix nonsingular.
func (d *dualProgram) addBasis(x []float64) {
	r, M := d.A.Dims()
	if len(d.bases) >= 4*M {
		return
	}
	var idx []int
	var ortho [][]float64
	try := func(j int) bool {
		w := make([]float64, r)
		mat.Col(w, j, d.A)
		for _, q := range ortho {
			var s float64
			for i := range w {
				s += w[i] * q[i]
			}
			for i := range w {
				w[i] -= s * q[i]
			}
		}
		var nn float64
		for _, v := range w {
			nn += v * v
		}
		if math.Sqrt(nn) <= 1e-9 {
			return false
		}
		for i := range w {
			w[i] /= math.Sqrt(nn)
		}
		ortho = append(ortho, w)
		idx = append(idx, j)
		return true
	}
	for j, v := range x {
		if v > 1e-12 && !try(j) {
			return // not a vertex: positive columns dependent
		}
	}
	for j := 0; j < M && len(idx) < r; j++ {
		if !(x[j] > 1e-12) {
			try(j)
		}
	}
	if len(idx) != r {
		return
	}
	B := mat.NewDense(r, r, nil)
	for j, col := range idx {
		for i := range r {
			B.Set(i, j, d.A.At(i, col))
		}
	}
	var inv mat.Dense
	if err := inv.Inverse(B); err != nil {
		return
	}
	xb := make([]float64, r)
	for j := range r {
		for i := range r {
			xb[j] += inv.At(j, i) * d.b[i]
		}
		if xb[j] < -1e-14 {
			return
		}
		xb[j] = math.Max(xb[j], 0)
	}
	d.bases = append(d.bases, dualBasis{idx: idx, inv: &inv, xb: xb})
}

// honestInSpanOfX reports whether v is (numerically) a linear combination of rows.
func honestInSpanOfX(v []float64, rows [][]float64) bool {
	if len(rows) == 0 {
		var nn float64
		for _, x := range v {
			nn += x * x
		}
		return nn <= 1e-18
	}
	A := mat.NewDense(len(v), len(rows), nil)
	for j, r := range rows {
		A.SetCol(j, r)
	}
	var qr mat.QR
	qr.Factorize(A)
	var x mat.Dense
	if err := qr.SolveTo(&x, false, mat.NewVecDense(len(v), slices.Clone(v))); err != nil {
		return false
	}
	var r mat.VecDense
	r.MulVec(A, x.ColView(0))
	var ss float64
	for i := range v {
		d := v[i] - r.AtVec(i)
		ss += d * d
	}
	return math.Sqrt(ss) <= 1e-9*(1+mat.Norm(mat.NewVecDense(len(v), slices.Clone(v)), 2))
}

// leastFavourableCV is the 1 − κ quantile (R type 7) of η̂ at Y ~ N(0, S): sims draws of
// z'S^{1/2} from R's normals after set.seed(seed), as mvtnorm::rmvnorm with its default
// eigen-decomposition square root, draw by draw (rows of a byrow matrix). Draws without a
// solution are left out.
func (p *arpProblem) leastFavourableCV(kappa float64, sims int, seed uint32) float64 {
	M := len(p.sd)
	var eig mat.EigenSym
	if !eig.Factorize(p.S, true) {
		return math.NaN()
	}
	var V mat.Dense
	eig.VectorsTo(&V)
	vals := eig.Values(nil)
	root := mat.NewDense(M, M, nil)
	for i := range M {
		for j := range M {
			var s float64
			for q := range M {
				s += V.At(i, q) * math.Sqrt(math.Max(vals[q], 0)) * V.At(j, q)
			}
			root.Set(i, j, s)
		}
	}
	rng := newRNormals(seed)
	prog := newDualProgram(p.sd, p.X)
	z := make([]float64, M)
	xi := make([]float64, M)
	etas := make([]float64, 0, sims)
	for range sims {
		for i := range z {
			z[i] = rng.norm()
		}
		for j := range M {
			var s float64
			for i := range M {
				s += z[i] * root.At(i, j)
			}
			xi[j] = s
		}
		if eta, ok := prog.value(xi); ok && !math.IsInf(eta, 0) {
			etas = append(etas, eta)
		}
	}
	if len(etas) == 0 {
		return math.NaN()
	}
	slices.Sort(etas)
	h := float64(len(etas)-1) * (1 - kappa)
	lo := int(math.Floor(h))
	if lo >= len(etas)-1 {
		return etas[len(etas)-1]
	}
	return etas[lo] + (h-float64(lo))*(etas[lo+1]-etas[lo])
}

// reject runs the conditional-least-favourable hybrid test of H0: l'τ_post = θ.
func (p *arpProblem) reject(theta, alpha, kappa float64) bool {
	M := len(p.sd)
	_, k := p.X.Dims()
	y := make([]float64, M)
	for i := range y {
		y[i] = p.y0[i] - p.a1[i]*theta
	}
	eta, lambda, ok := p.etaDual(y)
	if !ok || math.IsNaN(eta) {
		return false // ARP: an LP without solution does not reject
	}
	if eta > p.lfCV {
		return true
	}
	modSize := (alpha - kappa) / (1 - kappa)
	const tolLambda = 1e-6
	var B, Bc []int
	for i, v := range lambda {
		if v > tolLambda {
			B = append(B, i)
		} else {
			Bc = append(Bc, i)
		}
	}
	fullRank := false
	if len(B) > 0 && k > 0 {
		XB := mat.NewDense(len(B), k, nil)
		for r, i := range B {
			for c := range k {
				XB.Set(r, c, p.X.At(i, c))
			}
		}
		fullRank = honestRank(XB) == min(len(B), k)
	}
	var vlo, vup, sigmaB float64
	if len(B) != k+1 || !fullRank {
		g2 := mat.Inner(mat.NewVecDense(M, lambda), p.S, mat.NewVecDense(M, lambda))
		if math.Abs(g2) < 2.220446049250313e-16 {
			return eta > 0
		}
		sigmaB = math.Sqrt(g2)
		vlo, vup = p.dualBounds(eta, y, lambda, g2)
	} else {
		// Basis of the optimal vertex: W_B = [σ_B, X_B] is square and invertible.
		n := k + 1
		WB := mat.NewDense(n, n, nil)
		for r, i := range B {
			WB.Set(r, 0, p.sd[i])
			for c := range k {
				WB.Set(r, c+1, p.X.At(i, c))
			}
		}
		var WBinv mat.Dense
		if err := WBinv.Inverse(WB); err != nil {
			return false
		}
		vB := make([]float64, M)
		for r, i := range B {
			vB[i] = WBinv.At(0, r)
		}
		vBv := mat.NewVecDense(M, vB)
		s2 := mat.Inner(vBv, p.S, vBv)
		sigmaB = math.Sqrt(s2)
		var Sv mat.VecDense
		Sv.MulVec(p.S, vBv)
		vy := mat.Dot(vBv, mat.NewVecDense(M, y))
		vlo, vup = math.Inf(-1), math.Inf(1)
		for _, j := range Bc {
			// Row j of Γ_B = [σ_j, X_j] W_B⁻¹ S_B − e_j'.
			g := make([]float64, M)
			for r, i := range B {
				var s float64
				s += p.sd[j] * WBinv.At(0, r)
				for c := range k {
					s += p.X.At(j, c) * WBinv.At(c+1, r)
				}
				g[i] = s
			}
			g[j] -= 1
			gv := mat.NewVecDense(M, g)
			rho := mat.Dot(gv, &Sv) / s2
			m := -mat.Dot(gv, mat.NewVecDense(M, y))/rho + vy
			switch {
			case rho > 0:
				vlo = math.Max(vlo, m)
			case rho < 0:
				vup = math.Min(vup, m)
			}
		}
	}
	zlo := vlo / sigmaB
	zup := math.Min(vup, p.lfCV) / sigmaB
	stat := eta / sigmaB
	if !(zlo <= stat && stat <= zup) {
		return false
	}
	cval := math.Max(0, truncNormQuantile(1-modSize, zlo, zup))
	return stat > cval
}

// dualBounds are ARP's truncation points of η̂ when the optimal vertex is degenerate, from the
// dual program: with b = Sγ/(γ'Sγ) and s = y − b·γ'y, the value c is attainable when
// max_{λ ≥ 0, σ'λ = 1, X'λ = 0} (s + b·c)'λ = c; v_up and v_lo are the largest and smallest
// such c on either side of η̂, found by the fixed-point step c ← λ's/(1 − λ'b) from the
// maximiser at a far value (at most 10 steps), then by bisection to 1e-6. An η̂ that is not
// itself attainable gives [η̂, ∞).
func (p *arpProblem) dualBounds(eta float64, y, gamma []float64, g2 float64) (vlo, vup float64) {
	M := len(y)
	gv := mat.NewVecDense(M, gamma)
	var Sg mat.VecDense
	Sg.MulVec(p.S, gv)
	b := make([]float64, M)
	for i := range b {
		b[i] = Sg.AtVec(i) / g2
	}
	gy := mat.Dot(gv, mat.NewVecDense(M, y))
	s := make([]float64, M)
	for i := range s {
		s[i] = y[i] - b[i]*gy
	}
	const tolC, tolEq = 1e-6, 1e-6
	check := func(c float64) (bool, []float64) {
		f := make([]float64, M)
		for i := range f {
			f[i] = s[i] + b[i]*c
		}
		v, x, ok := dualVertex(p.sd, p.X, f)
		if !ok {
			return false, nil
		}
		return math.Abs(c-v) <= tolEq, x
	}
	step := func(x []float64) float64 {
		var xs, xb float64
		for i := range x {
			xs += x[i] * s[i]
			xb += x[i] * b[i]
		}
		if math.Abs(xs) < math.Pow(2.220446049250313e-16, 0.75) {
			xs = 0
		}
		return xs / (1 - xb)
	}
	if ok, _ := check(eta); !ok {
		return eta, math.Inf(1)
	}
	sb := math.Sqrt(g2)
	search := func(start float64, up bool) float64 {
		ok, x := check(start)
		if ok {
			if up {
				return math.Inf(1)
			}
			return math.Inf(-1)
		}
		if x == nil {
			return start
		}
		mid := step(x)
		dif := 0.0
		for iters := 1; ; {
			ok, x = check(mid)
			if ok || x == nil {
				break
			}
			iters++
			if iters >= 10 {
				dif = tolC + 1
				break
			}
			mid = step(x)
		}
		lo, hi := eta, mid
		if !up {
			lo, hi = mid, eta
		}
		for it := 0; dif > tolC && it < 10000; it++ {
			mid = (lo + hi) / 2
			ok, _ := check(mid)
			if ok == up {
				lo = mid
			} else {
				hi = mid
			}
			dif = hi - lo
		}
		return mid
	}
	vup = search(math.Max(100, eta+20*sb), true)
	vlo = search(math.Min(-100, eta-20*sb), false)
	return vlo, vup
}

// honestRank is the numerical rank of A (singular values above max(dims)·ε·σ_max).
func honestRank(A *mat.Dense) int {
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDNone) {
		return 0
	}
	v := svd.Values(nil)
	if len(v) == 0 {
		return 0
	}
	r, c := A.Dims()
	tol := float64(max(r, c)) * 2.220446049250313e-16 * v[0]
	n := 0
	for _, x := range v {
		if x > tol {
			n++
		}
	}
	return n
}

// truncNormQuantile is the p quantile of the standard normal truncated to [a, b], computed on the
// side of the tail the interval lies in (with erfc, which keeps its relative accuracy far out) so
// that it stays accurate where Φ(a) rounds to 1.
func truncNormQuantile(p, a, b float64) float64 {
	surv := func(x float64) float64 { return 0.5 * math.Erfc(x/math.Sqrt2) }
	n := distuv.UnitNormal
	if a >= 0 {
		sa, sb := surv(a), surv(b)
		if sa == 0 {
			return a
		}
		q := -n.Quantile(sa - p*(sa-sb))
		return math.Min(math.Max(q, a), b)
	}
	fa, fb := surv(-a), surv(-b)
	if fb == 0 {
		return b
	}
	q := n.Quantile(fa + p*(fb-fa))
	return math.Min(math.Max(q, a), b)
}
