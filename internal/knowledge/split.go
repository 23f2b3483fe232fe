package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SplitVersion changes whenever the same file gives other passages (their
// text, lines or numbering), so that a saved index of an older version is
// parsed again instead of served. 2: passages keep the source's blank lines
// between paragraphs; long paragraphs are cut at textan.Sentences ends.
// 3: narrative passages fill up to the full size (see narrative), and a
// one-document index has no title field (search.Build), so saved indexes
// are rebuilt. 4: a sentence may end before two spaces (Gutenberg texts), so
// long paragraphs are cut there too. 5: in plain text a "# Heading" line
// after a sentence's end starts a section, and a "Date: …" metadata line
// in its opening dates the document. 6: a short cry in quotes before a
// speech tag is one sentence ("'A wolf! A wolf!' cried Walter"). 7: a
// file named by an ID ("000_3c22a4c634682dc4.txt") is titled by its
// opening words.
const SplitVersion = 7

// DefaultPassageChars is the passage size used when Options.PassageChars is
// 0, chosen by measurement on the eval sets (see README).
const DefaultPassageChars = 1000

func (o Options) passageChars() int {
	if o.PassageChars > 0 {
		return o.PassageChars
	}
	return DefaultPassageChars
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// para is one paragraph of a page: a block of non-blank lines, or a
// Markdown fenced code block with its fences (blank lines included).
type para struct {
	n       int    // 1-based paragraph number within the page
	line    int    // first line, 1-based
	text    string // lines joined with "\n"
	heading string // non-empty when the paragraph is a heading (its text)
	starts  []int  // byte offset in text where each line starts
	code    bool   // a fenced code block: cut at line ends, never a heading
}

// lineAt returns the line number of byte offset off of p.text.
func (p *para) lineAt(off int) int {
	// the last line that starts at or before off; starts[0] is 0
	l := sort.Search(len(p.starts), func(i int) bool { return p.starts[i] > off }) - 1
	return p.line + max(l, 0)
}

// ctxEvery is how many lines the parser reads between checks of its
// context, so that a huge file stops promptly on shutdown.
const ctxEvery = 4096

var (
	datePrefix = regexp.MustCompile(`^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*`)
	mdHeading  = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	metaLine   = regexp.MustCompile(`^[\p{L}][\p{L} ]{0,20}:\s`)
)

// build parses the pages of a document named rel. Its error is ctx's, when
// ctx is done before it ends (checked per page and every ctxEvery lines).
func build(ctx context.Context, rel, ext string, pages []string, chars int) (*Document, error) {
	doc := &Document{Path: rel}
	markdown := ext == ".md" || ext == ".markdown"
	var firstHeading string
	seen := map[string]int{}
	for pi, page := range pages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		page = strings.TrimPrefix(page, "\uFEFF")
		lines := strings.Split(strings.ReplaceAll(page, "\r\n", "\n"), "\n")
		startLine := 0 // index of the first line that is text
		if pi == 0 {
			if end := frontMatter(lines); end > 0 {
				for _, l := range lines[1:end] {
					k, v, ok := field(l)
					if !ok {
						continue
					}
					switch k {
					case "title":
						doc.Title = v
					case "date":
						if len(v) >= 10 && isDate(v[:10]) {
							doc.Date = v[:10]
						}
					}
				}
				startLine = end + 1
			}
			if doc.Date == "" && !markdown { // Markdown dates itself in front matter
				doc.Date = metaDate(lines[startLine:])
			}
			// a leading "date YYYY-MM-DD" line prefix
			for i := startLine; i < len(lines); i++ {
				if strings.TrimSpace(lines[i]) == "" {
					continue
				}
				if m := datePrefix.FindStringSubmatchIndex(lines[i]); m != nil {
					d := lines[i][m[2]:m[3]]
					if isDate(d) {
						if doc.Date == "" {
							doc.Date = d
						}
						lines[i] = lines[i][m[1]:]
					}
				}
				break
			}
		}
		paras, err := paragraphs(ctx, lines, startLine, markdown)
		if err != nil {
			return nil, err
		}
		page := 0
		if len(pages) > 1 {
			page = pi + 1
		}
		section := ""
		titlePara := -1 // the paragraph that gives the title is not a section
		if pi == 0 && doc.Title == "" && len(paras) > 0 {
			if !markdown && paras[0].heading == "" {
				paras = splitTitle(paras)
			}
			if p := paras[0]; p.heading != "" {
				firstHeading, titlePara = p.heading, 0
			}
		}
		if pi == 0 && doc.Title == "" && firstHeading == "" && markdown {
			for i, p := range paras {
				if p.heading != "" {
					firstHeading, titlePara = p.heading, i
					break
				}
			}
		}
		for _, ps := range group(paras, chars) {
			if ps.heading != "" {
				if ps.para != titlePara || pi > 0 {
					section = ps.heading
				}
				continue
			}
			ps.p.Section = section
			ps.p.Page = page
			ps.p.Doc = rel
			id := hashHex([]byte(rel + "\x00" + ps.p.Text))[:16]
			if n := seen[id]; n > 0 {
				seen[id] = n + 1
				id = id + "-" + strconv.Itoa(n)
			} else {
				seen[id] = 1
			}
			ps.p.ID = id
			doc.Passages = append(doc.Passages, ps.p)
		}
	}
	if doc.Title == "" {
		doc.Title = firstHeading
	}
	if doc.Title == "" {
		doc.Title = readableName(rel)
		if !wordy(doc.Title) && len(doc.Passages) > 0 { // "000_3c22a4c634682dc4.txt": its opening words say more
			doc.Title = openingWords(doc.Passages[0].Text)
		}
	}
	for i := range doc.Passages {
		doc.Passages[i].Title = doc.Title
	}
	return doc, nil
}

// metaLines is how many lines of a document's opening a metadata line
// ("Date: 2020-02-17") is looked for in.
const metaLines = 20

// metaDateRe matches a metadata line that dates a document, as papers and
// reports open: "Date: 2020-02-17", "Published: 17 February 2020".
var metaDateRe = regexp.MustCompile(`(?i)^\s*(?:date|published|publication date|date published|posted|first published)\s*:\s*(.+?)\s*$`)

// dateTimeRest is what may follow an ISO date in a metadata line: a time.
var dateTimeRest = regexp.MustCompile(`^(?:[T ][0-9:.+Z-]*)?$`)

// dateLayouts are the ways a metadata line writes a date, after ISO's.
var dateLayouts = []string{"2 January 2006", "January 2, 2006", "January 2 2006", "2 Jan 2006", "Jan 2, 2006", "Jan. 2, 2006", "2006/01/02", "02.01.2006"}

// metaDate returns the date (YYYY-MM-DD) of the first metadata line of
// lines' first metaLines that dates the document, or "".
func metaDate(lines []string) string {
	for _, l := range lines[:min(metaLines, len(lines))] {
		if d := lineDate(l); d != "" {
			return d
		}
	}
	return ""
}

// lineDate returns the date (YYYY-MM-DD) that metadata line l gives the
// document, or "" when l is no such line.
func lineDate(l string) string {
	m := metaDateRe.FindStringSubmatch(l)
	if m == nil {
		return ""
	}
	if v := m[1]; len(v) >= 10 && isDate(v[:10]) && dateTimeRest.MatchString(v[10:]) {
		return v[:10]
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, m[1]); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return ""
}

// DateLine returns where in text (a document's opening passage) the
// metadata line that dates the document stands ("Date: 2020-02-17"), or
// -1 when none does.
func DateLine(text string) int {
	at := 0
	for l := range strings.Lines(text) {
		if lineDate(strings.TrimRight(l, "\r\n")) != "" {
			return at
		}
		at += len(l)
	}
	return -1
}

func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
