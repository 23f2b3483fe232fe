package knowledge

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"storybot/internal/split"
)

// This file tidies the pages of a printed book or report (a PDF's, or a
// text file's whose pages a form feed separates, as pdftotext writes them):
// it drops page furniture (page numbers, running heads and feet) and mends
// the paragraphs that a page break cut in two, so that passages hold whole
// sentences. Pages keep their count and numbering, as citations say "p. N".

// tidyPages drops page furniture and joins paragraphs split by page breaks.
// pages are pageText results: paragraphs separated by "\n\n", "" for a page
// without text. The result has as many pages as pages.
//
// Furniture is looked for in the first and last paragraphs of a page:
//   - a bare page number ("12", "- 12 -", "Page 12", "12 of 40", "xii");
//     a page holding nothing else becomes "" when the document has at
//     least 3 pages with text;
//   - a running head or foot: a short paragraph (at most 12 words) whose
//     text, digits removed and case and spaces folded, is the first or last
//     paragraph of at least 3 pages and of a third of the pages with text.
//     It is dropped only from a page with other text, and on the first page
//     only when repeated letter for letter (else it is the title there).
//
// Then a page whose last paragraph does not end a sentence and is not
// heading-like gets the first paragraph of the next page with text, unless
// that one is heading-like: the sentence then reads whole on the page where
// it starts. Blank pages in between are skipped; a page emptied by the move
// becomes "" (a paragraph grows to about two pages at most: maxJoined).
// If tidying would leave no text at all, pages are returned as
// they are.
func tidyPages(pages []string) []string {
	paras := make([][]string, len(pages))
	withText := 0
	for i, p := range pages {
		paras[i] = split.Trimmed(p, "\n\n") // the non-blank paragraphs, trimmed
		if len(paras[i]) > 0 {
			withText++
		}
	}
	dropPageNumbers(paras, withText >= 3)
	dropRunningHeads(paras, withText)
	dropPageNumbers(paras, withText >= 3) // a number printed beyond a running head
	joinSplitParagraphs(paras)

	out := make([]string, len(pages))
	any := false
	for i, ps := range paras {
		out[i] = strings.Join(ps, "\n\n")
		any = any || out[i] != ""
	}
	if !any {
		return pages
	}
	return out
}

// dropPageNumbers drops a bare page number that is the first or the last
// paragraph of a page. A page that is only a page number is emptied when
// alone is true (a blank page with its folio), and kept otherwise.
func dropPageNumbers(paras [][]string, alone bool) {
	for i, ps := range paras {
		if len(ps) == 1 && !alone {
			continue
		}
		if len(ps) > 0 && isPageNumber(ps[len(ps)-1], len(ps) > 1) {
			ps = ps[:len(ps)-1]
		}
		if len(ps) > 0 && isPageNumber(ps[0], false) {
			ps = ps[1:]
		}
		paras[i] = ps
	}
}

// pageNumber matches a page number with its usual decorations: "12",
// "- 12 -", "[12]", "Page 12", "p. 12", "12 of 40", "12/40", "xii".
var pageNumber = regexp.MustCompile(`^(?i:page|p\.)?\s*[-–—(\[]?\s*([0-9]{1,5}|[ivxlc]+|[IVXLC]+)\s*(?:(?i:of)\s*[0-9]{1,5}|/\s*[0-9]{1,5})?\s*[-–—)\]]?$`)

// roman matches a well-formed roman numeral below 400 (lower case).
var roman = regexp.MustCompile(`^c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$`)

// isPageNumber reports whether paragraph p is a bare page number. An
// upper-case roman numeral counts only at the foot of a page (bottom): at
// the top of a page "II" is more likely a chapter number.
func isPageNumber(p string, bottom bool) bool {
	m := pageNumber.FindStringSubmatch(p)
	if m == nil {
		return false
	}
	n := m[1]
	if n[0] >= '0' && n[0] <= '9' {
		return true
	}
	if strings.ToUpper(n) == n && !bottom {
		return false
	}
	return roman.MatchString(strings.ToLower(n))
}

// maxHeadWords is the most words a running head or foot has.
const maxHeadWords = 12

// headKey is the text by which repeats of a running head are recognised:
// digits removed (the page number is often on the same line) and white
// space folded; callers fold case too. It is "" for a paragraph that cannot
// be a running head (too long, or no letters).
func headKey(p string) string {
	if len(strings.Fields(p)) > maxHeadWords || !strings.ContainsFunc(p, unicode.IsLetter) {
		return ""
	}
	p = strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return -1
		}
		return r
	}, p)
	return strings.Join(strings.Fields(p), " ")
}

// dropRunningHeads drops the running heads and feet (see tidyPages) from
// the ends of pages that hold other text. withText is the number of pages
// with text. On the first page with text, the first paragraph is dropped
// only when another page repeats it letter for letter: a title "The Tale
// of Tom Kitten" above running heads "THE TALE OF TOM KITTEN" is kept.
func dropRunningHeads(paras [][]string, withText int) {
	// Count the pages each key starts or ends, with case folded and not.
	folded, exact := map[string]int{}, map[string]int{}
	for _, ps := range paras {
		if len(ps) == 0 {
			continue
		}
		first, last := headKey(ps[0]), headKey(ps[len(ps)-1])
		if first != "" {
			folded[strings.ToLower(first)]++
			exact[first]++
		}
		if last != "" && !strings.EqualFold(last, first) {
			folded[strings.ToLower(last)]++
		}
		if last != "" && last != first {
			exact[last]++
		}
	}
	running := func(p string) bool {
		k := headKey(p)
		n := folded[strings.ToLower(k)]
		return k != "" && n >= 3 && 3*n >= withText
	}
	firstPage := true
	for i, ps := range paras {
		if len(ps) == 0 {
			continue
		}
		if len(ps) > 1 && running(ps[len(ps)-1]) {
			ps = ps[:len(ps)-1]
		}
		if len(ps) > 1 && running(ps[0]) && (!firstPage || exact[headKey(ps[0])] >= 2) {
			ps = ps[1:]
		}
		paras[i] = ps
		firstPage = false
	}
}

// maxJoined is the length in bytes past which a paragraph takes no more
// text from the next page: about two printed pages, so that a paragraph
// running over a whole page is still joined, but a document without
// sentence ends (a word list, a table) does not pile up on one page, and
// joining stays linear in the length of the document.
const maxJoined = 5000

// joinSplitParagraphs moves the first paragraph of the next page with text
// onto the end of a page whose last paragraph a page break cut (see
// tidyPages), repeating while the move empties that next page.
func joinSplitParagraphs(paras [][]string) {
	for i := range paras {
		for len(paras[i]) > 0 {
			last := paras[i][len(paras[i])-1]
			if endsSentence(last) || len(strings.Fields(last)) < 6 || len(last) > maxJoined {
				break
			}
			j := i + 1
			for j < len(paras) && len(paras[j]) == 0 {
				j++
			}
			if j == len(paras) || headingLike(paras[j][0]) {
				break
			}
			paras[i][len(paras[i])-1] = joinAcross(last, paras[j][0])
			paras[j] = paras[j][1:]
			if len(paras[j]) > 0 {
				break
			}
		}
	}
}

// joinAcross joins the two halves of a paragraph cut by a page break on a
// new line, as a hard-wrapped paragraph's lines: textan.Sentences reads
// the sentence whole and joins a word hyphenated at the break ("gar-" +
// "den").
func joinAcross(a, b string) string { return a + "\n" + b }

// endsSentence reports whether p ends a sentence or a clause that may end
// a paragraph: its last rune, closing quotes and brackets aside, is one of
// . ! ? … : ;
func endsSentence(p string) bool {
	p = strings.TrimRightFunc(p, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'”’»›)]}`, r)
	})
	r, _ := utf8.DecodeLastRuneInString(p)
	return strings.ContainsRune(".!?…:;", r)
}

// headingLike reports whether paragraph p looks like a heading rather than
// the rest of a sentence: fewer than 6 words and no sentence end. (A change
// of font size already ends a paragraph, so a heading set large is a
// paragraph of its own.)
func headingLike(p string) bool {
	return len(strings.Fields(p)) < 6 && !endsSentence(p)
}
