package stats

import "gonum.org/v1/gonum/stat/distuv"

// rNormals reproduces R's default random numbers (RNGkind "Mersenne-Twister", normal.kind
// "Inversion") after set.seed(seed), so that a simulation specified in R with a seed — here the
// least-favourable critical value of HonestDiD (set.seed(0) before mvtnorm::rmvnorm) — draws the
// same numbers. It is an implementation of the published generator (Matsumoto & Nishimura 1998,
// MT19937) with R's documented seeding (?RNGkind: the seed is scrambled by the linear
// congruential generator 69069·s + 1 fifty times, then each of the 625 state words is the next
// value) and R's inversion method for normals (two uniforms give 2⁻²⁷-resolution u; Φ⁻¹(u)).
type rNormals struct {
	mt  [624]uint32
	mti int
}

// newRNormals is R's state after set.seed(seed).
func newRNormals(seed uint32) *rNormals {
	r := &rNormals{}
	s := seed
	for range 50 {
		s = 69069*s + 1
	}
	s = 69069*s + 1 // first word: the position, which R then sets to 624
	for j := range r.mt {
		s = 69069*s + 1
		r.mt[j] = s
	}
	r.mti = 624
	return r
}

// genrand is MT19937's next 32-bit output scaled to [0, 1).
func (r *rNormals) genrand() float64 {
	const n, m = 624, 397
	const upper, lower, matrixA = 0x80000000, 0x7fffffff, 0x9908b0df
	mag := [2]uint32{0, matrixA}
	if r.mti >= n {
		kk := 0
		for ; kk < n-m; kk++ {
			y := (r.mt[kk] & upper) | (r.mt[kk+1] & lower)
			r.mt[kk] = r.mt[kk+m] ^ (y >> 1) ^ mag[y&1]
		}
		for ; kk < n-1; kk++ {
			y := (r.mt[kk] & upper) | (r.mt[kk+1] & lower)
			r.mt[kk] = r.mt[kk+(m-n)] ^ (y >> 1) ^ mag[y&1]
		}
		y := (r.mt[n-1] & upper) | (r.mt[0] & lower)
		r.mt[n-1] = r.mt[m-1] ^ (y >> 1) ^ mag[y&1]
		r.mti = 0
	}
	y := r.mt[r.mti]
	r.mti++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return float64(y) * 2.3283064365386963e-10
}

// unif is R's unif_rand(): genrand kept inside (0, 1).
func (r *rNormals) unif() float64 {
	const half = 0.5 * 2.328306437080797e-10
	x := r.genrand()
	if x <= 0 {
		return half
	}
	if 1-x <= 0 {
		return 1 - half
	}
	return x
}

// norm is R's norm_rand() by inversion.
func (r *rNormals) norm() float64 {
	const big = 134217728 // 2^27
	u := r.unif()
	u = float64(int(big*u)) + r.unif()
	return distuv.UnitNormal.Quantile(u / big)
}
