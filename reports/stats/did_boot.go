package stats

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// The multiplier bootstrap of did's mboot draws, for b = 1..B, Rademacher
// weights v_bi = ±1 (one per unit: clustered by unit) and forms
// d_b = Σ_i v_bi IF_i / N for every influence function IF of interest.
//
// Every ATT(g,t) influence function is a combination, per cohort, of a few
// per-unit columns (w·Y_t, w·1(observed at t), w, 1) plus, on unbalanced
// panels, a sparse correction for units observed in only one of the two
// periods. So the bootstrap only needs Σ_{i∈cohort} v_bi Z_ij for those
// columns. They are computed eight units at a time: for a block of eight
// units the 256 subset sums of their rows are tabulated once, and each draw
// then costs one table-row addition per block (Σ v Z = 2·Σ_{v=+1} Z - Σ Z).

const didBlock = 8 // units per lookup block (one byte of random bits)

// didTerm is coef × (basis column col) in a cell's bootstrap draw.
type didTerm struct {
	col  int
	coef float64
}

// didCorr is a correction value r for one unit of one cell.
type didCorr struct {
	cell int
	slot int // position of the unit within its block
	r    float64
}

type didBlockInfo struct {
	coh   int
	units [didBlock]int // -1 for padding
	corr  []didCorr     // appended in increasing cell order
}

// didBootLayout collects, while the cells are estimated, what the
// bootstrap needs.
type didBootLayout struct {
	m, nCoh, K int
	T          int
	balanced   bool
	blocks     []didBlockInfo
	unitBlock  []int // block of each unit
	unitSlot   []int // slot of each unit within its block
	z          []float64
	terms      [][]didTerm // per cell
	hasCorr    bool
}

// didDraws are the bootstrap draws d_b = Σ_i v_bi IF_i / N of the cells and
// of the weight-estimation terms.
type didDraws struct {
	B    int
	cell [][]float64 // per cell, length B
	wcoh [][]float64 // per cohort: Σ_{i∈c} v_bi w_i
	one  []float64   // Σ_i v_bi
}

func didNewBootLayout(p *didPanel, K int) *didBootLayout {
	T := p.T
	l := &didBootLayout{T: T, nCoh: len(p.cohG), K: K, balanced: p.balance,
		unitBlock: make([]int, p.n), unitSlot: make([]int, p.n), terms: make([][]didTerm, K)}
	if p.balance {
		l.m = T + 2 // x_t, w, 1
	} else {
		l.m = 2*T + 2 // x_t, o_t, w, 1
	}
	// Per-unit basis rows.
	l.z = make([]float64, p.n*l.m)
	for i := 0; i < p.n; i++ {
		row := l.z[i*l.m : (i+1)*l.m]
		w := p.w[i]
		for t := 0; t < T; t++ {
			y := p.y[i*T+t]
			if math.IsNaN(y) {
				continue
			}
			row[t] = w * y
			if !p.balance {
				row[T+t] = w
			}
		}
		row[l.m-2] = w
		row[l.m-1] = 1
	}
	// Blocks of eight units of one cohort.
	byCoh := make([][]int, l.nCoh)
	for i, c := range p.coh {
		byCoh[c] = append(byCoh[c], i)
	}
	for c, us := range byCoh {
		for s := 0; s < len(us); s += didBlock {
			b := didBlockInfo{coh: c}
			for j := range b.units {
				b.units[j] = -1
				if s+j < len(us) {
					i := us[s+j]
					b.units[j] = i
					l.unitBlock[i] = len(l.blocks)
					l.unitSlot[i] = j
				}
			}
			l.blocks = append(l.blocks, b)
		}
	}
	return l
}

func (l *didBootLayout) colX(c, t int) int { return c*l.m + t }
func (l *didBootLayout) colO(c, t int) int {
	if l.balanced {
		return c*l.m + l.m - 2
	}
	return c*l.m + l.T + t
}

// addCell records how cell k's bootstrap draw is formed.
func (l *didBootLayout) addCell(p *didPanel, k int, s didSpec, st didCellStats, isT, isC []bool) {
	var terms []didTerm
	for c := range isT {
		var a, m float64
		switch {
		case isT[c]:
			a, m = 1/st.sT, st.mT
		case isC[c]:
			a, m = -1/st.sC, st.mC
		default:
			continue
		}
		terms = append(terms,
			didTerm{l.colX(c, s.t), a},
			didTerm{l.colX(c, s.b), -a},
			didTerm{l.colO(c, s.t), -a * m})
	}
	l.terms[k] = terms
	if !st.xorUnits {
		return
	}
	T := p.T
	for i, c := range p.coh {
		if !isT[c] && !isC[c] {
			continue
		}
		yt, yb := p.y[i*T+s.t], p.y[i*T+s.b]
		nt, nb := math.IsNaN(yt), math.IsNaN(yb)
		if nt == nb {
			continue
		}
		sgn, S, m := 1.0, st.sT, st.mT
		if !isT[c] {
			sgn, S, m = -1, st.sC, st.mC
		}
		w := p.w[i]
		var r float64
		if !nt { // observed at t only: cancel sgn·(w·y_t - m·w)/S
			r = -sgn * (w*yt - m*w) / S
		} else { // observed at b only: cancel -sgn·w·y_b/S
			r = sgn * w * yb / S
		}
		blk := &l.blocks[l.unitBlock[i]]
		blk.corr = append(blk.corr, didCorr{cell: k, slot: l.unitSlot[i], r: r})
		l.hasCorr = true
	}
}

// run draws B Rademacher vectors from src and returns the draws.
//
// Tables are column-major (256 subset sums per column) and accumulators are
// column-major (B draws per column), so the inner loop reads a 2 KiB table
// column and writes a contiguous run of draws.
func (l *didBootLayout) run(B int, src rand.Source) *didDraws {
	nb := len(l.blocks)
	nw := (nb*didBlock + 63) / 64
	rbits := make([]uint64, B*nw)
	for i := range rbits {
		rbits[i] = src.Uint64()
	}
	m := l.m
	M0 := l.nCoh * m
	acc := make([]float64, M0*B) // basis column col: acc[col*B : (col+1)*B]
	tot := make([]float64, M0)
	var accK, totK []float64
	if l.hasCorr {
		accK = make([]float64, l.K*B)
		totK = make([]float64, l.K)
	}
	sb := make([]uint8, B)
	var tab []float64
	var lk []int
	var crow [didBlock][]float64
	for bi := range l.blocks {
		blk := &l.blocks[bi]
		// Local correction columns of this block (cells in increasing order).
		lk = lk[:0]
		for _, e := range blk.corr {
			if len(lk) == 0 || lk[len(lk)-1] != e.cell {
				lk = append(lk, e.cell)
			}
		}
		W := m + len(lk)
		if cap(tab) < 256*W {
			tab = make([]float64, 256*W)
		}
		tab = tab[:256*W]
		for j := range crow {
			if cap(crow[j]) < len(lk) {
				crow[j] = make([]float64, len(lk))
			}
			crow[j] = crow[j][:len(lk)]
			clear(crow[j])
		}
		q := -1
		for e, c := range blk.corr {
			if e == 0 || blk.corr[e-1].cell != c.cell {
				q++
			}
			crow[c.slot][q] += c.r
		}
		// Column j of the table: tab[j*256+s] = Σ_{u ∈ s} Z[u][j].
		for j := 0; j < W; j++ {
			col := (*[256]float64)(tab[j*256 : (j+1)*256])
			var vals [didBlock]float64
			for u, i := range blk.units {
				switch {
				case j >= m:
					vals[u] = crow[u][j-m]
				case i >= 0:
					vals[u] = l.z[i*m+j]
				}
			}
			col[0] = 0
			for s := 1; s < 256; s++ {
				col[s] = col[s&(s-1)] + vals[bits.TrailingZeros(uint(s))]
			}
		}
		word, shift := bi*didBlock/64, uint(bi*didBlock%64)
		for b := range sb {
			sb[b] = uint8(rbits[b*nw+word] >> shift)
		}
		c := blk.coh
		for j := 0; j < W; j++ {
			col := (*[256]float64)(tab[j*256 : (j+1)*256])
			var dst []float64
			if j < m {
				dst = acc[(c*m+j)*B : (c*m+j+1)*B]
				tot[c*m+j] += col[255]
			} else {
				k := lk[j-m]
				dst = accK[k*B : (k+1)*B]
				totK[k] += col[255]
			}
			dst = dst[:len(sb)]
			for b, s := range sb {
				dst[b] += col[s]
			}
		}
	}
	// Draws of basis column col: Σ v Z = 2·Σ_{v=+1} Z - Σ Z.
	basis := func(col int, a float64, out []float64) {
		ac := acc[col*B : (col+1)*B]
		t := tot[col]
		for b := range out {
			out[b] += a * (2*ac[b] - t)
		}
	}
	d := &didDraws{B: B, cell: make([][]float64, l.K), wcoh: make([][]float64, l.nCoh), one: make([]float64, B)}
	for k := range d.cell {
		if l.terms[k] == nil {
			continue // reference or skipped cell: IF is zero
		}
		out := make([]float64, B)
		for _, t := range l.terms[k] {
			basis(t.col, t.coef, out)
		}
		if l.hasCorr {
			ak := accK[k*B : (k+1)*B]
			for b := range out {
				out[b] += 2*ak[b] - totK[k]
			}
		}
		d.cell[k] = out
	}
	for c := range d.wcoh {
		d.wcoh[c] = make([]float64, B)
		basis(c*m+m-2, 1, d.wcoh[c])
		basis(c*m+m-1, 1, d.one)
	}
	return d
}

// didIQRScale is qnorm(.75) - qnorm(.25).
const didIQRScale = 1.3489795003921634

// didBootSE is did's bootstrap standard error of draws d (d_b = Σ v IF/N):
// the type-1 interquartile range over qnorm(.75) - qnorm(.25). It returns
// NaN for a degenerate influence function (Σ_b N·d_b² ≤ 10·√ε, as mboot).
func didBootSE(d []float64, n int) float64 {
	var ss float64
	for _, v := range d {
		ss += v * v
	}
	if !(ss*float64(n) > math.Sqrt(2.220446049250313e-16)*10) {
		return math.NaN()
	}
	b := len(d)
	q := orderStats(slices.Clone(d), quantile1Index(0.75, b), quantile1Index(0.25, b))
	return (q[0] - q[1]) / didIQRScale
}

// didSupT is the sup-t critical value of mboot: the type-1 (1-alpha)
// quantile over draws of max_j |d_jb| / se_j, over the columns with a
// positive finite se. NaN if there is none.
func didSupT(draws [][]float64, se []float64, alpha float64) float64 {
	if len(draws) == 0 {
		return math.NaN()
	}
	B := 0
	for _, d := range draws {
		if d != nil {
			B = len(d)
			break
		}
	}
	mx := make([]float64, 0, B)
	for b := 0; b < B; b++ {
		v := math.Inf(-1)
		for j, d := range draws {
			if d == nil || !(se[j] > 0) || math.IsInf(se[j], 0) {
				continue
			}
			v = max(v, math.Abs(d[b])/se[j])
		}
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			mx = append(mx, v)
		}
	}
	if len(mx) == 0 {
		return math.NaN()
	}
	slices.Sort(mx)
	return Quantile1(1-alpha, mx)
}
