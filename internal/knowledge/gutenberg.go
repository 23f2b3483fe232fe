package knowledge

import (
	"regexp"
	"strings"
)

// A Project Gutenberg text file wraps its story in a header (the eBook's
// terms, its Title:, Author:, release date and credits; the story itself
// names its author, "BY BEATRIX POTTER") and the Gutenberg
// licence after it, between lines such as "*** START OF THE PROJECT
// GUTENBERG EBOOK THE TALE OF TOM KITTEN ***" and "*** END OF ... ***".
// Indexed as they are, the licence answered "How does it end?" and the
// header "What is this story about?".
var (
	gutenbergStart = regexp.MustCompile(`(?i)^\s*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG`)
	gutenbergEnd   = regexp.MustCompile(`(?i)^\s*(?:\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG|End of (?:the )?Project Gutenberg'?s? )`)
	gutenbergKeep  = regexp.MustCompile(`(?i)^\s*Title:\s*\S`)
)

// gutenberg blanks the header and the licence of a Project Gutenberg text:
// the lines before its start marker, but for its Title: line (the
// document's title), and the lines from its end marker on. Blanked lines stay, empty, so that line numbers are the
// file's. Text without a start marker is returned as it is.
func gutenberg(text string) string {
	lines := strings.Split(text, "\n")
	start := -1
	for i, l := range lines {
		if gutenbergStart.MatchString(l) {
			start = i
			break
		}
	}
	if start < 0 {
		return text
	}
	for i := range lines {
		switch {
		case i < start && gutenbergKeep.MatchString(lines[i]):
		case i <= start:
			lines[i] = ""
		case gutenbergEnd.MatchString(lines[i]):
			for j := i; j < len(lines); j++ {
				lines[j] = ""
			}
			return strings.Join(lines, "\n")
		}
	}
	return strings.Join(lines, "\n")
}
