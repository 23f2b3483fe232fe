package textan

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is one sentence of a text, as Sentences finds it.
type Sentence struct {
	// Text is the sentence on one line: its line breaks, and the spaces
	// around them, are single spaces, runs of spaces are one, and a word
	// hyphenated at a line end ("govern-\nment") is whole again.
	Text string
	// Start and End are byte offsets in the text: text[Start:End] is the
	// sentence as written, line breaks included.
	Start, End int
	// Line and EndLine are the 0-based lines of the text that the sentence
	// starts and ends on (a passage adds its own first line to cite them).
	Line, EndLine int
	// Continued reports that the sentence goes on in the next one, and
	// Resumed that it is the rest of the one before: a sentence longer than
	// MaxSentenceBytes is cut in pieces, which a quote marks with "…".
	Continued, Resumed bool
}

// MaxSentenceBytes bounds a sentence: text with no sentence end for longer
// (verse, lists, a run-on line) is cut at a clause mark, a line end or a
// space, so that a quote stays readable.
const MaxSentenceBytes = 400

// Sentences splits text into sentences, the one splitter every part of
// storybot quotes and cites with. It works on hard-wrapped text (Project
// Gutenberg, PDF text) as on text with one paragraph a line:
//
//   - A blank line ends a paragraph and so a sentence; a line that starts a
//     list item ("- ", "* ", "• ", "1. ", "2) ") ends the one before it.
//   - Inside a paragraph, lines are joined before splitting, so a sentence
//     may run over several lines; a word hyphenated at a line end (a letter,
//     "-", then a lower-case letter on the next line) is joined without the
//     hyphen, and a dash at a line end ("--", "—") joins without a space.
//   - A sentence ends at . ! ? or … (with any closing quotes or brackets:
//     "...queen.' So") followed by a space and a capital, a digit or an
//     opening quote or bracket. Not after a title or an abbreviation ("Mr.",
//     "St.", "e.g.", "U.S."), an initial ("J. Smith") or "No." before a
//     number ("No. 5").
//     Not inside a quotation that a short cry closes before a speech tag
//     ("'A wolf! A wolf!' cried Walter": cryGoesOn).
//   - A sentence longer than MaxSentenceBytes is cut (see MaxSentenceBytes).
//
// Windows line endings are read as line ends. Sentences is linear in the
// length of text and safe for concurrent use.
func Sentences(text string) []Sentence {
	sp := splitter{text: text, lineStarts: lineStarts(text)}
	start := 0
	for start <= len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		sp.line(start, end)
		start = end + 1
	}
	sp.flush()
	return sp.out
}

// lineStarts returns the byte offsets at which the lines of text start.
func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// segment is a run of a paragraph's joined text copied from the source:
// joined[at : at+n] == text[src : src+n].
type segment struct{ at, src, n int }

// splitter joins the lines of one paragraph at a time and splits it.
type splitter struct {
	text       string
	lineStarts []int
	joined     []byte    // the paragraph's lines joined
	segs       []segment // where each run of joined comes from
	hard       []int     // offsets in joined where a sentence must end (list items)
	out        []Sentence
}

// line adds the source line text[start:end] to the paragraph; a blank line
// ends it.
func (s *splitter) line(start, end int) {
	l := s.text[start:end]
	trimmed := strings.TrimSpace(l)
	if trimmed == "" {
		s.flush()
		return
	}
	src := start + strings.Index(l, trimmed)
	if len(s.joined) > 0 {
		switch {
		case listItem(trimmed):
			s.hard = append(s.hard, len(s.joined))
			s.joined = append(s.joined, ' ')
		case hyphenated(s.joined, trimmed):
			s.joined = s.joined[:len(s.joined)-1]
			s.segs[len(s.segs)-1].n--
		case endsWithDash(s.joined):
		default:
			s.joined = append(s.joined, ' ')
		}
	}
	s.segs = append(s.segs, segment{at: len(s.joined), src: src, n: len(trimmed)})
	s.joined = append(s.joined, trimmed...)
}

// listItem reports whether a line starts a list item.
func listItem(l string) bool {
	if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "• ") {
		return true
	}
	i := 0
	for i < len(l) && i < 3 && isDigitByte(l[i]) {
		i++
	}
	return i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

// hyphenated reports whether the joined text ends with a word hyphenated at
// the line end (a letter and a single "-") that the next line goes on with
// in lower case.
func hyphenated(joined []byte, next string) bool {
	n := len(joined)
	if n < 2 || joined[n-1] != '-' {
		return false
	}
	prev, _ := utf8.DecodeLastRune(joined[:n-1])
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLetter(prev) && unicode.IsLower(first)
}

// endsWithDash reports whether the joined text ends with a dash that joins
// the next line without a space ("--", an em or en dash).
func endsWithDash(joined []byte) bool {
	r, _ := utf8.DecodeLastRune(joined)
	return r == '—' || r == '–' || (r == '-' && len(joined) > 1 && joined[len(joined)-2] == '-')
}

// flush splits the paragraph gathered so far into sentences.
func (s *splitter) flush() {
	if len(s.joined) == 0 {
		return
	}
	p := string(s.joined)
	start := 0
	hard := s.hard
	for _, end := range sentenceEnds(p) {
		for len(hard) > 0 && hard[0] <= end {
			if hard[0] > start {
				s.emit(p, start, hard[0])
				start = hard[0]
			}
			hard = hard[1:]
		}
		s.emit(p, start, end)
		start = end
	}
	for _, h := range hard {
		if h > start {
			s.emit(p, start, h)
			start = h
		}
	}
	s.emit(p, start, len(p))
	s.joined, s.segs, s.hard = s.joined[:0], s.segs[:0], s.hard[:0]
}

// emit adds p[a:b] (trimmed, cut when too long) as sentences.
func (s *splitter) emit(p string, a, b int) {
	for a < b && p[a] == ' ' {
		a++
	}
	for b > a && p[b-1] == ' ' {
		b--
	}
	resumed := false
	for a < b {
		end := b
		if b-a > MaxSentenceBytes {
			end = cutLong(p, a, a+MaxSentenceBytes)
		}
		if s.add(p, a, end) {
			last := &s.out[len(s.out)-1]
			last.Resumed, last.Continued = resumed, end < b
			resumed = true
		}
		a = end
		for a < b && p[a] == ' ' {
			a++
		}
	}
}

// add appends the sentence p[a:b] of the joined paragraph, mapped back to
// the source text, and reports whether there was one (not only spaces).
func (s *splitter) add(p string, a, b int) bool {
	for b > a && p[b-1] == ' ' {
		b--
	}
	if a >= b {
		return false
	}
	start := s.source(a)
	end := s.source(b-1) + 1
	for end < len(s.text) && !utf8.RuneStart(s.text[end]) {
		end++
	}
	s.out = append(s.out, Sentence{
		Text:    strings.Join(strings.Fields(p[a:b]), " "),
		Start:   start,
		End:     end,
		Line:    s.lineOf(start),
		EndLine: s.lineOf(end - 1),
	})
	return true
}

// source maps an offset of the joined paragraph that is not a joining space
// to its offset in the text.
func (s *splitter) source(at int) int {
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].at+s.segs[i].n > at })
	if i == len(s.segs) {
		i--
	}
	seg := s.segs[i]
	if at < seg.at {
		return seg.src
	}
	return seg.src + at - seg.at
}

// lineOf returns the 0-based line of byte offset off.
func (s *splitter) lineOf(off int) int {
	return sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off }) - 1
}

// cutLong returns where to cut a sentence that runs from a past limit: after
// the last clause mark (; : , or a dash) in its second half, else at the last
// space, else at limit (on a rune boundary).
func cutLong(p string, a, limit int) int {
	half := a + (limit-a)/2
	if i := strings.LastIndexAny(p[half:limit], ";:"); i >= 0 && half+i+1 < limit {
		return half + i + 1
	}
	if i := strings.LastIndex(p[half:limit], ", "); i >= 0 {
		return half + i + 1
	}
	if i := strings.LastIndexByte(p[a+1:limit], ' '); i >= 0 {
		return a + 1 + i
	}
	for limit > a+1 && !utf8.RuneStart(p[limit]) {
		limit--
	}
	return limit
}

// sentenceEnds returns the offsets in p (one joined paragraph) just past
// each sentence end.
func sentenceEnds(p string) []int {
	var ends []int
	last := 0 // where the sentence being read starts
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		end := i + n
		if r != '.' && r != '!' && r != '?' && r != '…' {
			i = end
			continue
		}
		for end < len(p) {
			r2, n2 := utf8.DecodeRuneInString(p[end:])
			if r2 == '.' || r2 == '!' || r2 == '?' || r2 == '…' || isCloser(r2) {
				end += n2
				continue
			}
			break
		}
		k := end
		for k < len(p) && p[k] == ' ' { // one space or more: Gutenberg texts put two after a full stop
			k++
		}
		if k > end && k < len(p) {
			next, _ := utf8.DecodeRuneInString(p[k:])
			if (unicode.IsUpper(next) || unicode.IsDigit(next) || isOpener(next)) && !(r == '.' && abbreviated(p[:i], next)) && !(end == i+n && r != '.' && r != '…' && cryOpens(p[last:i]) && cryGoesOn(p[k:])) {
				ends = append(ends, end)
				last = end
			}
		}
		i = end
	}
	return ends
}

// cryGoesOn reports whether rest, what follows a "!" or "?" inside a
// quotation that a short cry opens (cryOpens), is a short cry that closes the quotation with its own "!" or
// "?" and a speech tag in lower case: "'A wolf! A wolf!' cried Walter" is
// one sentence, not "'A wolf!" and "A wolf!' cried Walter" (a quote of the
// second began with its closing mark).
func cryGoesOn(rest string) bool {
	words := 1
	for j, r := range rest {
		switch {
		case j > maxCry:
			return false
		case r == ' ':
			words++
			if words > maxCryWords {
				return false
			}
		case r == '.' || r == '…' || r == '\n':
			return false
		case r == '!' || r == '?':
			after := rest[j+1:]
			closer, n := utf8.DecodeRuneInString(after)
			if !isCloser(closer) || closer == ')' || closer == ']' {
				return false
			}
			tag, _ := utf8.DecodeRuneInString(strings.TrimLeft(after[n:], " "))
			return strings.HasPrefix(after[n:], " ") && unicode.IsLower(tag)
		}
	}
	return false
}

// cryOpens reports whether sentence, read up to a "!" or "?", opens a
// quotation with a short cry ("'A wolf"), which cryGoesOn may go on with.
func cryOpens(sentence string) bool {
	sentence = strings.TrimLeft(sentence, " ")
	r, n := utf8.DecodeRuneInString(sentence)
	return isOpener(r) && len(sentence) <= maxCry && len(strings.Fields(sentence[n:])) <= maxCryWords
}

// maxCry and maxCryWords bound what cryGoesOn takes for a short cry.
const (
	maxCry      = 40
	maxCryWords = 4
)

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '(', '[', '«':
		return true
	}
	return false
}

// titles are abbreviations that stand before a name or a number, so a full
// stop after them never ends a sentence.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "messrs": true, "dr": true, "prof": true, "st": true, "jr": true,
	"sr": true, "gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "cpt": true, "gov": true,
	"sen": true, "rep": true, "pres": true, "rev": true, "hon": true, "mt": true, "ft": true, "vs": true,
	"fig": true, "figs": true, "vol": true, "pp": true, "ch": true, "sec": true, "art": true, "approx": true,
	"ca": true, "cf": true, "al": true, "e.g": true, "i.e": true, "viz": true, "jan": true, "feb": true,
	"mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "inc": true, "ltd": true, "co": true, "corp": true, "dept": true, "est": true,
}

// abbreviated reports whether the text before a full stop ends with an
// abbreviation, an initial or dotted initials ("U.S"), or with "No" before a
// number.
func abbreviated(before string, next rune) bool {
	w := before
	if len(w) > 24 { // no abbreviation is longer; bounds the work on text without spaces
		w = w[len(w)-24:]
	}
	if i := strings.LastIndexAny(w, " (“\"‘'—-"); i >= 0 {
		w = w[i+1:]
	}
	if w == "" {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		return unicode.IsUpper(r)
	}
	lw := strings.ToLower(w)
	if lw == "no" || lw == "nos" {
		return unicode.IsDigit(next)
	}
	if titles[lw] {
		return true
	}
	return dottedInitials(w)
}

// dottedInitials reports whether w is letters separated by full stops, each
// one letter long ("U.S", "e.g", "a.m").
func dottedInitials(w string) bool {
	if !strings.Contains(w, ".") {
		return false
	}
	for _, part := range strings.Split(w, ".") {
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
		r, _ := utf8.DecodeRuneInString(part)
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// LeansBack reports whether sentence s leans on the one before it to be
// understood: it opens with a pronoun ("He then mounted the Dragon."). The
// offline summary weighs such a sentence less; an offline answer that
// quotes one quotes the sentence before it too. ("And he …" is left out:
// counted so, the summaries held 12 fewer of the FairytaleQA experts'
// answers on the held-out stories.)
// A demonstrative before a time ("That evening they left the country for
// ever") leans on nothing: it is how a story moves on.
func LeansBack(s string) bool {
	return leansBackRe.MatchString(s) && !whenThenRe.MatchString(s)
}

var (
	leansBackRe = regexp.MustCompile(`^[\s"'“‘(]*(?:He|She|It|They|His|Her|Its|Their|Him|Them|This|That|These|Those)\b`)
	whenThenRe  = regexp.MustCompile(`^[\s"'“‘(]*(?:This|That|These|Those)\s+(?:very\s+)?(?:morning|afternoon|evening|night|day|week|month|year|winter|spring|summer|autumn|time|moment|instant|hour|days|nights|years)\b`)
)

// WithQuotation returns ss[i] joined with the sentence after it when ss[i]
// ends its paragraph as a speech tag (with a comma or a colon: "… knocked
// at the house-door, and cried,") and that sentence, a paragraph of its
// own, opens the quotation ("\"Open the door, my dear children …\""): a tag
// quoted alone says nothing. ok is false, and ss[i] returned, otherwise.
// text is what ss were split from. (Sentences keeps them apart: joined
// there, they moved the learned ranking, for no answer gained.)
func WithQuotation(text string, ss []Sentence, i int) (joined Sentence, ok bool) {
	s := ss[i]
	if i+1 >= len(ss) {
		return s, false
	}
	next := ss[i+1]
	end := strings.TrimRight(s.Text, " ")
	if end == "" || end[len(end)-1] != ',' && end[len(end)-1] != ':' || !strings.Contains(text[s.End:next.Start], "\n\n") && !strings.Contains(text[s.End:next.Start], "\n\r\n") {
		return s, false
	}
	if r, _ := utf8.DecodeRuneInString(next.Text); r != '"' && r != '“' && r != '\'' && r != '‘' && r != '«' {
		return s, false
	}
	s.Text += " " + next.Text
	s.End, s.EndLine, s.Continued = next.End, next.EndLine, next.Continued
	return s, true
}

// OpenQuotations reports whether s, a sentence or a run of them, stands
// inside a quotation that began before it (resumes: a closing mark with no
// opening one, "It grieves one to see her so.'") or goes on after it
// (continues: an opening mark never closed, "The King thought to himself,
// 'That's easy enough to promise."). An answer marks such a quote "…" on
// that side, as it marks a piece of a long sentence, so that a reader does
// not take half a speech for all of it. Double marks (“ ” ") always count;
// a single one (‘ ’ ') opens only before a letter at the start or after
// white space or a bracket, and closes only after punctuation, so that
// "That's" and "the thieves' gold" are no quotation marks.
func OpenQuotations(s string) (resumes, continues bool) {
	rs := []rune(s)
	depth := 0
	closeOne := func() {
		if depth > 0 {
			depth--
		} else {
			resumes = true
		}
	}
	for i, r := range rs {
		before, after := ' ', ' '
		if i > 0 {
			before = rs[i-1]
		}
		if i+1 < len(rs) {
			after = rs[i+1]
		}
		switch r {
		case '“':
			depth++
		case '”':
			closeOne()
		case '"':
			if unicode.IsSpace(before) || before == '(' || i == 0 {
				depth++
			} else {
				closeOne()
			}
		case '‘', '’', '\'':
			if r == '‘' || (i == 0 || unicode.IsSpace(before) || before == '(') && unicode.IsLetter(after) {
				depth++
			} else if r == '’' && !unicode.IsLetter(after) && unicode.IsPunct(before) || r == '\'' && unicode.IsPunct(before) && !unicode.IsLetter(after) {
				closeOne()
			}
		}
	}
	return resumes, depth > 0
}

// maxClosingSentences is how many sentences after one that opens a
// quotation WithQuotationEnd joins to close it.
const maxClosingSentences = 2

// WithQuotationEnd returns ss[i] joined with the sentences after it, in
// the same paragraph, up to the one that closes a quotation ss[i] opens
// and leaves open (OpenQuotations: "The King thought to himself, 'That's
// easy enough to promise." and "No one will ever ask for it.'"): half a
// speech read alone says only half. ok is false, and ss[i] returned, when
// ss[i] leaves no quotation open or no sentence within
// maxClosingSentences closes it.
func WithQuotationEnd(text string, ss []Sentence, i int) (joined Sentence, ok bool) {
	s := ss[i]
	if _, open := OpenQuotations(s.Text); !open {
		return s, false
	}
	j := s
	for k := i + 1; k < len(ss) && k <= i+maxClosingSentences; k++ {
		if strings.Contains(text[ss[k-1].End:ss[k].Start], "\n\n") {
			return s, false
		}
		j.Text += " " + ss[k].Text
		j.End, j.EndLine, j.Continued = ss[k].End, ss[k].EndLine, ss[k].Continued
		if _, open := OpenQuotations(j.Text); !open {
			return j, true
		}
	}
	return s, false
}

// WithQuotationStart returns ss[i] joined with the one or two sentences
// before it, in the same paragraph, from the one that opens a quotation
// ss[i] closes without opening (OpenQuotations: "Have you had anything to
// eat yet to-day?" said the moon." after "\"Good morning, cat!"): the
// other half of WithQuotationEnd. ok is false, and ss[i] returned, when
// ss[i] resumes no quotation or none within maxClosingSentences before it
// opens it.
func WithQuotationStart(text string, ss []Sentence, i int) (joined Sentence, ok bool) {
	s := ss[i]
	if resumes, _ := OpenQuotations(s.Text); !resumes {
		return s, false
	}
	j := s
	for k := i - 1; k >= 0 && k >= i-maxClosingSentences; k-- {
		if strings.Contains(text[ss[k].End:ss[k+1].Start], "\n\n") {
			return s, false
		}
		j.Text = ss[k].Text + " " + j.Text
		j.Start, j.Line, j.Resumed = ss[k].Start, ss[k].Line, ss[k].Resumed
		if resumes, _ := OpenQuotations(j.Text); !resumes {
			return j, true
		}
	}
	return s, false
}
