package bot

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Discord's size limits, counted in characters.
const (
	MaxMessageLen    = 2000 // message content
	MaxEmbedDescLen  = 4096 // embed description
	MaxEmbeds        = 10   // embeds in one message
	MaxEmbedTotal    = 6000 // titles, descriptions, footers, fields and authors of all the embeds of one message
	maxThreadNameLen = 100
)

// atomRE matches the spans a split must never cut: fenced code blocks,
// citation markers such as [3], markdown links, <url> and bare URLs.
var atomRE = regexp.MustCompile("(?s)```.*?```|\\[\\d+\\]|\\[[^\\]\\n]*\\]\\([^)\\s]*\\)|<https?://[^>\\s]*>|https?://[^\\s<>]+")

// Split cuts text into chunks of at most limit characters (runes), preferring
// paragraph breaks, then line breaks, then sentence ends, then spaces. It never
// cuts inside a citation marker, a link or a fenced code block; a code block
// longer than limit is split at line boundaries into several fenced blocks.
// Whitespace at the cut points is dropped; nothing else is lost. It returns
// no chunks for blank text. Split is a pure function, safe for concurrent use.
func Split(text string, limit int) []string {
	if limit < 16 {
		limit = 16
	}
	text = strings.TrimSpace(splitLongFences(text, limit))
	atoms := atomRE.FindAllStringIndex(text, -1) // found once; offsets are absolute
	var out []string
	for pos := 0; pos < len(text); {
		rest := text[pos:]
		if utf8.RuneCountInString(rest) <= limit {
			out = append(out, rest)
			break
		}
		cut := cutPoint(text, pos, limit, atoms)
		if chunk := strings.TrimRightFunc(text[pos:cut], isSpace); chunk != "" {
			out = append(out, chunk)
		}
		pos = cut
		for pos < len(text) && isSpace(rune(text[pos])) {
			pos++
		}
	}
	return out
}

func isSpace(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }

// cutPoint returns the absolute byte offset at which to end the chunk that
// starts at pos, when text[pos:] is longer than limit runes. The result is
// > pos.
func cutPoint(text string, pos, limit int, atoms [][]int) int {
	max := pos + byteOffsetOfRune(text[pos:], limit) // first byte past limit runes
	// inside reports whether absolute offset p falls strictly inside an atom.
	inside := func(p int) bool {
		// the last atom starting before p
		i := sort.Search(len(atoms), func(i int) bool { return atoms[i][0] >= p }) - 1
		return i >= 0 && p < atoms[i][1]
	}
	window := text[pos:max]
	floor := (max - pos) / 3 // prefer not to make tiny chunks for the nicer boundaries
	try := func(sep string, keep int, minRel int) int {
		for i := strings.LastIndex(window, sep); i >= 0; i = strings.LastIndex(window[:i], sep) {
			rel := i + keep
			if rel <= minRel {
				return -1
			}
			if !inside(pos + rel) {
				return pos + rel
			}
		}
		return -1
	}
	for _, c := range []struct {
		sep  string
		keep int
	}{{"\n\n", 0}, {"\n", 0}, {". ", 1}, {"! ", 1}, {"? ", 1}, {".\n", 1}} {
		if p := try(c.sep, c.keep, floor); p > 0 {
			return p
		}
	}
	if p := try(" ", 0, 0); p > 0 {
		return p
	}
	// No space: cut at the last rune boundary that is not inside an atom; an
	// atom longer than the limit is cut where it must be.
	for p := max; p > pos; {
		if !inside(p) {
			return p
		}
		_, size := utf8.DecodeLastRuneInString(text[pos:p])
		p -= size
	}
	return max
}

func byteOffsetOfRune(s string, n int) int {
	i := 0
	for pos := range s {
		if i == n {
			return pos
		}
		i++
	}
	return len(s)
}

var fenceRE = regexp.MustCompile("(?s)```.*?```")

// splitLongFences rewrites each fenced code block longer than limit into
// several fenced blocks, each short enough, split at line boundaries.
func splitLongFences(text string, limit int) string {
	return fenceRE.ReplaceAllStringFunc(text, func(block string) string {
		if utf8.RuneCountInString(block) <= limit {
			return block
		}
		body := strings.TrimSuffix(strings.TrimPrefix(block, "```"), "```")
		lang := ""
		if nl := strings.IndexByte(body, '\n'); nl >= 0 && !strings.ContainsAny(body[:nl], " \t") {
			lang, body = body[:nl], body[nl+1:]
		}
		open := "```" + lang + "\n"
		room := limit - utf8.RuneCountInString(open) - len("\n```") - 2
		var parts []string
		var cur strings.Builder
		flush := func() {
			if cur.Len() > 0 {
				parts = append(parts, open+strings.TrimRight(cur.String(), "\n")+"\n```")
				cur.Reset()
			}
		}
		for _, line := range strings.SplitAfter(body, "\n") {
			for utf8.RuneCountInString(line) > room { // a single very long line
				flush()
				cut := byteOffsetOfRune(line, room)
				cur.WriteString(line[:cut])
				flush()
				line = line[cut:]
			}
			if utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(line) > room {
				flush()
			}
			cur.WriteString(line)
		}
		flush()
		return strings.Join(parts, "\n\n")
	})
}
