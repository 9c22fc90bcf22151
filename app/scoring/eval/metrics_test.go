package eval

import (
	"math"
	"reflect"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRanksAverageTies(t *testing.T) {
	for _, c := range []struct {
		in, want []float64
	}{
		{[]float64{10, 20, 20, 30}, []float64{1, 2.5, 2.5, 4}},
		{[]float64{3, 1, 2}, []float64{3, 1, 2}},
		{[]float64{5, 5, 5}, []float64{2, 2, 2}},
		{[]float64{2, 1, 2, 1, 2}, []float64{4, 1.5, 4, 1.5, 4}},
		{nil, []float64{}},
	} {
		if got := Ranks(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Ranks(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestSpearman(t *testing.T) {
	for _, c := range []struct {
		name   string
		x, y   []float64
		want   float64
		wantOK bool
	}{
		{"perfect, not linear", []float64{1, 2, 3, 4, 5}, []float64{1, 1.5, 4, 4.1, 9}, 1, true},
		{"inverse", []float64{1, 2, 3, 4, 5}, []float64{5, 4, 3, 2, 1}, -1, true},
		// Ranks x [1 2.5 2.5 4], y [1 3 2 4], mean 2.5: cov 4.5, var x 4.5,
		// var y 5, so rho = 4.5/sqrt(4.5*5) = sqrt(0.9).
		{"ties", []float64{1, 2, 2, 3}, []float64{1, 3, 2, 4}, math.Sqrt(0.9), true},
		// No ties: 1 - 6*sum(d²)/(n(n²-1)) with d = [-1 -1 -2 0 4]: 1 - 132/120.
		{"no ties, hand formula", []float64{1, 2, 3, 4, 5}, []float64{1.4, 2.5, 4.6, 4, 1}, -0.1, true},
		{"human scores all equal", []float64{3, 3, 3}, []float64{1, 2, 3}, 0, false},
		{"model scores all equal", []float64{1, 2, 3}, []float64{4, 4, 4}, 0, false},
		{"one pair", []float64{1}, []float64{5}, 0, false},
		{"none", nil, nil, 0, false},
	} {
		got, ok := Spearman(c.x, c.y)
		if !near(got, c.want) || ok != c.wantOK {
			t.Errorf("%s: Spearman = %v, %v; want %v, %v", c.name, got, ok, c.want, c.wantOK)
		}
	}
}

func TestComputeFigures(t *testing.T) {
	// Rounded model scores 1, 3 (2.5 rounds up), 5, 4, 1 against 1..5:
	// differences 0, 1, 2, 0, 4.
	f := Compute([]int{1, 2, 3, 4, 5}, []float64{1.4, 2.5, 4.6, 4, 1})
	want := Figures{N: 5, Spearman: -0.1, SpearmanDefined: true, Exact: 0.4, WithinOne: 0.6,
		MAE: (0.4 + 0.5 + 1.6 + 0 + 4) / 5} // unrounded
	if f.N != want.N || !near(f.Spearman, want.Spearman) || f.SpearmanDefined != want.SpearmanDefined ||
		!near(f.Exact, want.Exact) || !near(f.WithinOne, want.WithinOne) || !near(f.MAE, want.MAE) {
		t.Fatalf("Compute = %+v, want %+v", f, want)
	}

	perfect := Compute([]int{1, 3, 5, 2}, []float64{1, 3, 5, 2})
	if perfect != (Figures{N: 4, Spearman: 1, SpearmanDefined: true, Exact: 1, WithinOne: 1, MAE: 0}) {
		t.Fatalf("perfect agreement: %+v", perfect)
	}

	// Every human score equal: the other figures still mean something,
	// the correlation does not.
	flat := Compute([]int{3, 3, 3, 3}, []float64{3, 4, 2, 5})
	if flat.Spearman != 0 || flat.SpearmanDefined || !near(flat.Exact, 0.25) || !near(flat.WithinOne, 0.75) || !near(flat.MAE, 1) {
		t.Fatalf("zero variance: %+v", flat)
	}

	if empty := Compute(nil, nil); empty != (Figures{}) {
		t.Fatalf("no scores: %+v", empty)
	}
}
