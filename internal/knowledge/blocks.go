package knowledge

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"
)

// This file reads a page into paragraphs: blocks of lines, Markdown fences,
// setext and ATX headings, thematic breaks and front matter.

// paragraphs splits lines (from index from) into paragraphs: blocks of
// non-blank lines. Line numbers are 1-based indexes into lines. A
// paragraph's lines are joined once it ends, so the cost is linear in its
// size however many lines it has. The error is ctx's, checked every
// ctxEvery lines.
//
// In Markdown, a fenced code block (``` or ~~~, to its closing fence or
// the end of the page) is one paragraph, fences and blank lines included,
// and none of its lines is a heading; a short paragraph underlined with
// === or --- is a (setext) heading; other thematic breaks (---, ***, ___)
// end a paragraph and are not text. A "# Title" line is a heading in
// Markdown, and in plain text when it starts a paragraph or follows a line
// that ends a sentence (not a hard-wrapped line that goes on "# 5 …").
func paragraphs(ctx context.Context, lines []string, from int, markdown bool) ([]*para, error) {
	var out []*para
	var cur *para
	var buf []string // the lines of cur
	size := 0        // len of buf joined with "\n"
	n := 0
	fence := "" // the opening fence's marker ("```", "~~~~") while in a code block
	flush := func() {
		if cur == nil {
			return
		}
		if cur.code { // an unclosed fence's trailing blank lines are not its text
			k := len(buf)
			for k > 1 && buf[k-1] == "" {
				k--
			}
			buf, cur.starts = buf[:k], cur.starts[:k]
		}
		cur.text = strings.Join(buf, "\n")
		out = append(out, cur)
		cur, buf = nil, buf[:0]
	}
	add := func(i int, l string) {
		if cur == nil {
			n++
			cur = &para{n: n, line: i + 1}
			size = 0
		} else {
			size++ // the "\n" before l
		}
		cur.starts = append(cur.starts, size)
		size += len(l)
		buf = append(buf, l)
	}
	for i := from; i < len(lines); i++ {
		if (i-from)%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		l := strings.TrimRight(lines[i], " \t\r")
		if fence != "" {
			add(i, l)
			if closesFence(l, fence) {
				fence = ""
				flush()
			}
			continue
		}
		if markdown {
			if f := openFence(l); f != "" {
				flush()
				fence = f
				add(i, l)
				cur.code = true
				continue
			}
		}
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		if markdown {
			if cur != nil && setextUnderline(l) {
				if h := setextHeading(buf); h != "" {
					cur.text, cur.heading, cur.starts = h, h, []int{0}
					out = append(out, cur)
					cur, buf = nil, buf[:0]
					continue
				}
			}
			if thematicBreak(l) {
				flush()
				continue
			}
		}
		if (markdown || cur == nil || endsSentence(buf[len(buf)-1])) && mayBeHeading(l) {
			if m := mdHeading.FindStringSubmatch(l); m != nil && m[2] != "" && utf8.RuneCountInString(m[2]) <= 160 {
				flush()
				n++
				out = append(out, &para{n: n, line: i + 1, text: m[2], heading: m[2], starts: []int{0}})
				continue
			}
		}
		add(i, l)
	}
	flush()
	for _, p := range out {
		if p.heading == "" && !p.code && len(p.starts) == 1 && titleLike(p.text) {
			p.heading = strings.TrimSpace(p.text)
		}
	}
	return out, nil
}

// maxFrontMatterLines is how far the closing line of front matter may be
// from its opening "---".
const maxFrontMatterLines = 100

// frontKey is a front matter line "key: value" (or "key:" before a list).
var frontKey = regexp.MustCompile(`^[\p{L}\p{N}_][\p{L}\p{N}_ .-]{0,40}:(\s|$)`)

// frontMatter returns the index of the line that closes the front matter
// at the top of lines, or 0 when there is none. Front matter opens with a
// "---" first line, closes with "---" or "..." within maxFrontMatterLines,
// and between them has "key: value" lines, at least one, and otherwise
// only blank lines, comments and indented or "- " list lines. Anything else
// is text: a leading "---" is then a thematic break.
func frontMatter(lines []string) int {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return 0
	}
	keys := false
	for i := 1; i < len(lines) && i <= maxFrontMatterLines; i++ {
		raw := lines[i]
		l := strings.TrimSpace(raw)
		switch {
		case l == "---" || l == "...":
			if keys {
				return i
			}
			return 0
		case l == "" || strings.HasPrefix(l, "#") || raw[0] == ' ' || raw[0] == '\t' || strings.HasPrefix(l, "- "):
			// blank, a comment, an indented value or a list item
		case frontKey.MatchString(l):
			keys = true
		default:
			return 0
		}
	}
	return 0
}

// openFence returns the marker of a Markdown code fence that l opens (a run
// of three or more ` or ~ after at most three spaces; a ` fence's info
// string has no `), or "".
func openFence(l string) string {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return ""
	}
	k := 0
	for k < len(t) && t[k] == t[0] {
		k++
	}
	if k < 3 || (t[0] == '`' && strings.IndexByte(t[k:], '`') >= 0) {
		return ""
	}
	return t[:k]
}

// closesFence reports whether l closes the code block opened by fence: the
// same character, at least as many, after at most three spaces, and nothing
// after them.
func closesFence(l, fence string) bool {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || len(t) < len(fence) {
		return false
	}
	return strings.Trim(t, fence[:1]) == ""
}

// setextUnderline reports whether l can underline a setext heading: three
// or more = or three or more -, after at most three spaces.
func setextUnderline(l string) bool {
	t := strings.TrimLeft(l, " ")
	return len(l)-len(t) <= 3 && len(t) >= 3 && (t[0] == '=' || t[0] == '-') && strings.Trim(t, t[:1]) == ""
}

// maxSetextLines is how many lines a paragraph may have and still be a
// heading when it is underlined; a longer one keeps its underline as a
// thematic break ("---") or as text ("===").
const maxSetextLines = 3

// listOrQuote matches a Markdown list item or block quote line, which an
// underline does not make a heading.
var listOrQuote = regexp.MustCompile(`^\s{0,3}([-*+]\s|\d{1,9}[.)](\s|$)|>)`)

// setextHeading returns the heading that the paragraph lines make when they
// are underlined, or "" when they are too long to be one or are a list item
// or a quote.
func setextHeading(lines []string) string {
	if len(lines) > maxSetextLines || listOrQuote.MatchString(lines[0]) {
		return ""
	}
	h := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
	if utf8.RuneCountInString(h) > 160 {
		return ""
	}
	return h
}

// thematicBreak reports whether l is a Markdown thematic break: three or
// more of one of - * _ after at most three spaces, spaces between allowed.
func thematicBreak(l string) bool {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || len(t) < 3 || (t[0] != '-' && t[0] != '*' && t[0] != '_') {
		return false
	}
	k := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case t[0]:
			k++
		case ' ', '\t':
		default:
			return false
		}
	}
	return k >= 3
}

// mayBeHeading reports whether mdHeading can match l: a '#' after at most
// three of its \s characters (most lines are not headings; the regular
// expression is the slow way to say so).
func mayBeHeading(l string) bool {
	for i := 0; i < len(l) && i <= 3; i++ {
		switch l[i] {
		case '#':
			return true
		case ' ', '\t', '\n', '\f', '\r':
			continue
		}
		return false
	}
	return false
}
