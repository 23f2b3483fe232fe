// Package split cuts text into the pieces between a separator, trimmed,
// as both a setting's comma-separated list and a page's blank-line
// separated paragraphs are read.
package split

import "strings"

// Trimmed returns the pieces of s between the separators sep, white space
// trimmed, without the empty ones (nil when there is none).
func Trimmed(s, sep string) []string {
	var out []string
	for _, f := range strings.Split(s, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
