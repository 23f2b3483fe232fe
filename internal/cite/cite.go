// Package cite is the one grammar of citation markers, the [1] and [2, 3]
// that answers, summaries and the timeline carry and that eval counts: a
// model's reply is read with it, documents' own reference marks are told
// apart by it, and every marker written is one it reads.
//
// A marker is a bracket holding one or more passage numbers (1 to 999),
// separated by commas, semicolons or dashes, optionally after the word
// "passage" or "source": [1], [2, 3], [1; 4], [Passage 2], [source 3]. A
// dash lists, it does not span: [1-3] names passages 1 and 3, as a model
// that writes it most often means both and rarely the one between.
package cite

import (
	"regexp"
	"strconv"
	"strings"
)

// markerRe matches a marker; its first group is the list of numbers.
var markerRe = regexp.MustCompile(`\[\s*(?:(?i:passages?|sources?)\s*)?(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\s*\]`)

// Is reports whether s is exactly one marker.
func Is(s string) bool { return markerRe.FindString(s) == s && s != "" }

// Find returns the [start, end) byte offsets of every marker in text.
func Find(text string) [][2]int {
	var out [][2]int
	for _, m := range markerRe.FindAllStringIndex(text, -1) {
		out = append(out, [2]int{m[0], m[1]})
	}
	return out
}

// Numbers returns the passage numbers a marker names, in order, repeats
// kept; any text that is not a marker gives its digit runs.
func Numbers(marker string) []int {
	var ns []int
	for _, f := range strings.FieldsFunc(marker, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(f); err == nil {
			ns = append(ns, n)
		}
	}
	return ns
}

// All returns the numbers of every marker in text, in order.
func All(text string) []int {
	var ns []int
	for _, m := range markerRe.FindAllString(text, -1) {
		ns = append(ns, Numbers(m)...)
	}
	return ns
}

// Replace returns text with each marker replaced by what fn returns for
// the marker and its numbers.
func Replace(text string, fn func(marker string, nums []int) string) string {
	return markerRe.ReplaceAllStringFunc(text, func(m string) string { return fn(m, Numbers(m)) })
}

// Strip removes every marker from text, including those that removing
// another brings together ("[0[1]]").
func Strip(text string) string {
	for markerRe.MatchString(text) {
		text = markerRe.ReplaceAllString(text, "")
	}
	return text
}

// Neutral rewrites markers that a document carries itself (reference marks
// such as "[12]" or "[3, 4]" in scientific articles) as "(12)", "(3, 4)",
// so they cannot pass for an answer's citations.
func Neutral(text string) string {
	if !strings.Contains(text, "[") {
		return text
	}
	return markerRe.ReplaceAllStringFunc(text, func(m string) string {
		return "(" + strings.TrimSpace(m[1:len(m)-1]) + ")"
	})
}

// Format writes the marker of passage n: "[n]".
func Format(n int) string { return "[" + strconv.Itoa(n) + "]" }

// FormatAll writes the marker of passages ns: "[1]", "[1, 3]".
func FormatAll(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
