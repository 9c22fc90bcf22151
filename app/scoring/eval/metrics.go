package eval

import (
	"math"
	"sort"
)

// Figures say how closely model scores follow human scores.
type Figures struct {
	// N is the number of answers with a model score; the other figures are
	// over these.
	N int
	// Spearman is the rank correlation (-1..1) with average ranks for ties.
	// It is undefined when either side's scores are all equal (or N < 2);
	// then it is reported as 0 and SpearmanDefined is false, because no
	// ordering is better than chance when one side does not order at all.
	Spearman        float64
	SpearmanDefined bool
	// Exact is the share (0..1) of answers whose rounded model score equals
	// the human score; WithinOne the share where they differ by at most 1.
	// Rounding is half away from zero (2.5 → 3), as a person would.
	Exact, WithinOne float64
	// MAE is the mean absolute difference of the unrounded model score and
	// the human score, in points of the 1–5 scale.
	MAE float64
}

// Compute returns the figures for paired scores: human[i] and model[i]
// belong to the same answer.
func Compute(human []int, model []float64) Figures {
	if len(human) != len(model) {
		panic("eval: human and model scores differ in length")
	}
	f := Figures{N: len(human)}
	if f.N == 0 {
		return f
	}
	h := make([]float64, len(human))
	var exact, within int
	var absSum float64
	for i, hs := range human {
		h[i] = float64(hs)
		d := math.Abs(math.Round(model[i]) - h[i])
		if d == 0 {
			exact++
		}
		if d <= 1 {
			within++
		}
		absSum += math.Abs(model[i] - h[i])
	}
	f.Exact = float64(exact) / float64(f.N)
	f.WithinOne = float64(within) / float64(f.N)
	f.MAE = absSum / float64(f.N)
	f.Spearman, f.SpearmanDefined = Spearman(h, model)
	return f
}

// Spearman is the Pearson correlation of the average ranks of x and y. ok
// is false, and rho 0, when either has zero variance (all values equal,
// or fewer than two): the correlation is undefined there.
func Spearman(x, y []float64) (rho float64, ok bool) {
	if len(x) != len(y) || len(x) < 2 {
		return 0, false
	}
	rx, ry := Ranks(x), Ranks(y)
	mean := float64(len(x)+1) / 2 // the mean of ranks 1..n, ties averaged or not
	var cov, vx, vy float64
	for i := range rx {
		dx, dy := rx[i]-mean, ry[i]-mean
		cov += dx * dy
		vx += dx * dx
		vy += dy * dy
	}
	if vx == 0 || vy == 0 {
		return 0, false
	}
	return math.Max(-1, math.Min(1, cov/math.Sqrt(vx*vy))), true
}

// Ranks gives each value its 1-based rank in ascending order; tied values
// share the average of the ranks they span ([10, 20, 20, 30] → [1, 2.5,
// 2.5, 4]).
func Ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1 // ranks i+1..j+1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}
