package answer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"storybot/internal/cite"
	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

// quoteRe matches a quotation followed by its citation: "..." [2] or “...” [2].
var quoteRe = regexp.MustCompile(`(?s)(?:"([^"\n]{3,400})"|“([^”\n]{3,400})”)[\s,.;:]*((?:\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+)`)

// resolveCitations checks the markers in text against the passages that
// were sent: markers naming no passage are removed, the rest are renumbered
// in order of first use, and each becomes a Citation with its quote checked.
func (p *Pipeline) resolveCitations(text string, passages []*sourcePassage) (string, []Citation) {
	text = unmaskLinks(text)
	byN := map[int]*sourcePassage{}
	for _, sp := range passages {
		byN[sp.N] = sp
	}
	// Which quotes are attributed to which original passage numbers.
	quotes := map[int][]string{}
	for _, m := range quoteRe.FindAllStringSubmatch(text, -1) {
		q := m[1]
		if q == "" {
			q = m[2]
		}
		for _, n := range cite.All(m[3]) {
			quotes[n] = append(quotes[n], q)
		}
	}

	renum := map[int]int{}
	var order []int
	out := cite.Replace(text, func(_ string, nums []int) string {
		var b strings.Builder
		for _, n := range nums {
			if byN[n] == nil {
				continue
			}
			nn, ok := renum[n]
			if !ok {
				nn = len(order) + 1
				renum[n] = nn
				order = append(order, n)
			}
			if strings.Contains(b.String(), "["+strconv.Itoa(nn)+"]") {
				continue
			}
			b.WriteString("[" + strconv.Itoa(nn) + "]")
		}
		return b.String()
	})
	for i := 1; i <= len(order); i++ {
		mk := "[" + strconv.Itoa(i) + "]"
		for strings.Contains(out, mk+mk) {
			out = strings.ReplaceAll(out, mk+mk, mk)
		}
	}
	out = tidySpaces(out)

	cites := make([]Citation, 0, len(order))
	for _, old := range order {
		sp := byN[old]
		ps := sp.Hit.Passage
		c := Citation{
			N:         renum[old],
			Doc:       ps.Doc,
			Title:     ps.Title,
			Location:  ps.Location(),
			PassageID: ps.ID,
			Text:      ps.Text,
		}
		qs := quotes[old]
		for _, q := range qs {
			if !QuoteIn(q, ps.Text) && !QuoteIn(q, SourceRefs(ps.Text)) {
				c.Flagged = "the quoted words do not occur in this source"
				break
			}
		}
		switch {
		case len(qs) > 0 && c.Flagged == "":
			c.Quote = shorten(strings.TrimSpace(qs[0]), maxQuote)
		default:
			c.Quote = p.bestQuote(ps.Text, sentencesCiting(out, renum[old]))
		}
		cites = append(cites, c)
	}
	return out, cites
}

// maskedLinkRe matches a Markdown link, [text](url), which Discord renders
// as text linking to url.
var maskedLinkRe = regexp.MustCompile(`\[([^\[\]\n]{1,300})\]\(\s*<?((?:https?|ftp)://[^\s()<>]+|www\.[^\s()<>]+)>?\s*\)`)

// unmaskLinks undoes Markdown links in a model's reply, so that no text
// (least of all a citation marker, which readers trust) leads somewhere
// other than it says: a marker linked to a URL, [1](https://...), keeps the
// marker and loses the URL; any other link becomes "text (url)".
func unmaskLinks(text string) string {
	return maskedLinkRe.ReplaceAllStringFunc(text, func(m string) string {
		sm := maskedLinkRe.FindStringSubmatch(m)
		if mk := "[" + sm[1] + "]"; cite.Is(mk) {
			return mk
		}
		return sm[1] + " (" + sm[2] + ")"
	})
}

var spaceBeforePunct = regexp.MustCompile(`[ \t]+([.,;:!?)])`)
var doubleSpace = regexp.MustCompile(`[ \t]{2,}`)

func tidySpaces(s string) string {
	s = spaceBeforePunct.ReplaceAllString(s, "$1")
	s = doubleSpace.ReplaceAllString(s, " ")
	return strings.TrimSpace(s)
}

// sentencesCiting returns the sentences of text that carry marker [n].
func sentencesCiting(text string, n int) string {
	mk := "[" + strconv.Itoa(n) + "]"
	var b strings.Builder
	for _, s := range textan.Sentences(text) {
		if strings.Contains(s.Text, mk) {
			b.WriteString(s.Text)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

const maxQuote = 200

// bestQuote picks the sentence of the passage that shares the most terms
// with the answer sentences citing it, shortened for display.
func (p *Pipeline) bestQuote(passage, citing string) string {
	want := map[string]bool{}
	for _, t := range p.an.Terms(citing) {
		want[t] = true
	}
	best, bestScore := "", -1
	for _, s := range textan.Sentences(passage) {
		score := 0
		seen := map[string]bool{}
		for _, t := range p.an.Terms(s.Text) {
			if want[t] && !seen[t] {
				score++
				seen[t] = true
			}
		}
		if score > bestScore {
			best, bestScore = s.Text, score
		}
	}
	return shorten(best, maxQuote)
}

// shorten cuts s to at most n bytes at a word boundary, adding "…".
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// NormalizeQuote folds text for quote matching: typographic quotes,
// apostrophes and dashes to ASCII, the ellipsis to "...", case folded,
// whitespace collapsed.
func NormalizeQuote(s string) string {
	var b strings.Builder
	space := true
	for _, r := range s {
		switch r {
		case '‘', '’', 'ʼ', '`', '´':
			r = '\''
		case '“', '”', '„', '«', '»':
			r = '"'
		case '–', '—', '‐', '‑', '−':
			r = '-'
		case '…':
			b.WriteString("...")
			space = false
			continue
		case '\u00a0', '\u200b':
			r = ' '
		}
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSpace(b.String())
}

// QuoteIn reports whether quote occurs in passage, allowing for whitespace,
// case and typographic differences, for leading and trailing punctuation,
// and for an elided middle ("..." or "…" in the quote: each part must occur,
// in order).
func QuoteIn(quote, passage string) bool {
	q := strings.Trim(NormalizeQuote(quote), " .,;:!?\"'")
	if q == "" {
		return true
	}
	ps := NormalizeQuote(passage)
	pos := 0
	for _, part := range strings.Split(q, "...") {
		part = strings.Trim(part, " .,;:!?\"'")
		if part == "" {
			continue
		}
		i := strings.Index(ps[pos:], part)
		if i < 0 {
			return false
		}
		pos += i + len(part)
	}
	return true
}

// refusalRe recognises a model saying the passages do not hold the answer.
var refusalRe = regexp.MustCompile(`(?i)\b(documents?|passages?|sources?|knowledge|context|texts?|information (?:provided|given))\b[^.]{0,40}\b(do(?:es)?n[o']?t|do(?:es)? not|never)\s+(say|mention|contain|cover|provide|include|state|specify|answer|address|discuss)|\bno (?:relevant )?information\b|\bnot (?:mentioned|covered|stated|specified|provided|addressed) in the (?:documents?|passages?|sources?)|\bcannot (?:answer|find|determine)\b|\bcan't (?:answer|find|determine)\b|\bI (?:do not|don't) know\b`)

// IsRefusal reports whether a model reply says the documents do not answer
// the question ("The documents do not say.", "The passages don't mention
// ...", "I cannot answer that from the sources.").
func IsRefusal(text string) bool {
	t := strings.NewReplacer("’", "'", "‘", "'").Replace(text)
	return refusalRe.MatchString(t)
}

var mentionFix = strings.NewReplacer(
	"@everyone", "@\u200beveryone",
	"@here", "@\u200bhere",
	"<@", "<@\u200b",
	"<#", "<#\u200b",
)

// Neutralize breaks Discord mention syntax (@everyone, @here, <@id>,
// <@!id>, <@&id>, <#id>) with a zero-width space so that the text pings no
// one when posted.
func Neutralize(s string) string {
	if !strings.ContainsAny(s, "@#") {
		return s
	}
	return mentionFix.Replace(s)
}

// spanCitation cites ps.Text[start:end], which says quote, as citation n:
// its location spans those bytes, its text (what Show sources quotes) is
// the paragraph around them, its quote quote, shortened.
func spanCitation(n int, ps *knowledge.Passage, start, end int, quote string) Citation {
	lo, hi := paragraphAround(ps.Text, start, end)
	return Citation{
		N: n, Doc: ps.Doc, Title: ps.Title, PassageID: ps.ID, Text: ps.Text[lo:hi],
		Location: ps.Span(start, end).Location(), Quote: shorten(SourceRefs(quote), maxQuote),
	}
}

// SourceLine is how a citation is listed under an answer, a summary or a
// timeline in the terminal: "[1] Title — ¶2, line 3 (file.txt)".
func SourceLine(c Citation) string {
	return fmt.Sprintf("[%d] %s — %s (%s)", c.N, c.Title, c.Location, c.Doc)
}
