package main

// The rule by which testdata/compare.py sets the tour beside CPython's
// output (testdata/reference.out, see testdata/README.md), for the tests:
// sections split at "## name" lines, and lines equal but for times, which
// may differ a little.

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tolerance is compare.py's default: how far a number with three decimals
// (a time) may be from the reference's.
const tolerance = 0.08

// referenceOut is CPython's output of the talk's examples, kept with the
// tests so that they check the tour on any machine.
const referenceOut = "testdata/reference.out"

// parseSections splits output at its "## name" lines, as compare.py does.
func parseSections(out string) map[string][]string {
	sections := map[string][]string{}
	var name string
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if after, ok := strings.CutPrefix(line, "## "); ok {
			name = strings.TrimSpace(after)
			sections[name] = []string{}
		} else if name != "" {
			sections[name] = append(sections[name], line)
		}
	}
	return sections
}

// headers returns the section names of out, in order.
func headers(out string) []string {
	var names []string
	for line := range strings.Lines(out) {
		if after, ok := strings.CutPrefix(line, "## "); ok {
			names = append(names, strings.TrimSpace(after))
		}
	}
	return names
}

var threeDecimals = regexp.MustCompile(`\d+\.\d{3}`)

// sameLine is compare.py's rule: the lines are equal, except that numbers
// written with three decimals may differ by up to tol.
func sameLine(want, got string, tol float64) bool {
	if threeDecimals.ReplaceAllString(want, "\x00") != threeDecimals.ReplaceAllString(got, "\x00") {
		return false
	}
	w, g := threeDecimals.FindAllString(want, -1), threeDecimals.FindAllString(got, -1)
	for i := range w {
		a, errA := strconv.ParseFloat(w[i], 64)
		b, errB := strconv.ParseFloat(g[i], 64)
		if errA != nil || errB != nil || math.Abs(a-b) > tol {
			return false
		}
	}
	return true
}

func TestSameLineFollowsCompareRule(t *testing.T) {
	tests := []struct {
		want, got string
		same      bool
	}{
		{"1.001 a exit", "1.000 a exit", true},
		{"1.001 a exit", "1.080 a exit", true},
		{"1.001 a exit", "1.082 a exit", false},
		{"1.000 a exit", "1.000 b exit", false},
		{"1.000 a exit", "1.000 a exit ", false},
		{"took 0.200 seconds", "took 0.210 seconds", true},
		{"send(1) -> 1", "send(1) -> 2", false},
		{"0.000 a", "a", false},
	}
	for _, tt := range tests {
		if got := sameLine(tt.want, tt.got, tolerance); got != tt.same {
			t.Errorf("sameLine(%q, %q) = %v, want %v", tt.want, tt.got, got, tt.same)
		}
	}
}
