package extract

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// htmlPages is HTML, run guarded.
func htmlPages(ctx context.Context, data []byte) ([]string, error) {
	paras, hasH1, title, err := htmlText(data)
	if err != nil {
		return nil, err
	}
	if !hasH1 && title != "" && len(paras) > 0 {
		paras = append([]string{"# " + title}, paras...)
	}
	if len(paras) == 0 || !hasLetters(paras) {
		return nil, ErrNoText
	}
	return []string{strings.Join(paras, "\n\n") + "\n"}, nil
}

// htmlText is the text of an HTML document as paragraphs (headings as
// Markdown headings), whether one of them is an <h1>, and the document's
// <title> (white space collapsed). HTML and EPUB (for each chapter) put
// these together.
func htmlText(data []byte) (paras []string, hasH1 bool, title string, err error) {
	if !utf8.Valid(data) {
		if r, err := charset.NewReader(bytes.NewReader(data), ""); err == nil {
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(r); err == nil {
				data = buf.Bytes()
			}
		}
	}
	// A byte order mark (common in files saved by Windows editors, and kept
	// by the UTF-16 decoder) is not text: the parser would make it a
	// paragraph of its own.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, false, "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	root := mainElement(doc)
	w := &htmlWriter{afterBr: -1}
	// Inside the main element (not the <body> fallback), a <header> is the
	// story's own: its headline and byline are kept.
	w.walk(root, root.Type == html.ElementNode && root.DataAtom != atom.Body)
	w.flush()
	title = collapse(textOf(find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Title })))
	return w.paras, w.hasH1, title, nil
}

// mainElement picks the element that holds the document's main text.
func mainElement(doc *html.Node) *html.Node {
	if n := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Main }); n != nil && !skipped(n) {
		return n
	}
	var best *html.Node
	bestLen := 0
	each(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Article && !skipped(n) {
			if l := len(collapse(textOf(n))); l > bestLen {
				best, bestLen = n, l
			}
		}
	})
	if best != nil {
		return best
	}
	if n := find(doc, func(n *html.Node) bool { return attr(n, "role") == "main" }); n != nil {
		return n
	}
	if n := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body }); n != nil {
		return n
	}
	return doc
}

// skipped reports whether an element and everything in it is page furniture.
func skipped(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return n.Type == html.CommentNode
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Nav, atom.Aside,
		atom.Footer, atom.Form, atom.Iframe, atom.Svg, atom.Button, atom.Select,
		atom.Textarea, atom.Head, atom.Menu, atom.Dialog, atom.Object, atom.Embed,
		atom.Canvas, atom.Input, atom.Label:
		return true
	}
	if _, ok := attrOK(n, "hidden"); ok || attr(n, "aria-hidden") == "true" {
		return true
	}
	switch attr(n, "role") {
	case "navigation", "banner", "contentinfo", "complementary", "search", "menu", "dialog":
		return true
	}
	if slices.Contains(strings.Fields(attr(n, "class")), "pg-boilerplate") { // a Project Gutenberg book's header and licence
		return true
	}
	return strings.Contains(strings.ReplaceAll(attr(n, "style"), " ", ""), "display:none")
}

// htmlWriter collects paragraphs while walking the tree.
type htmlWriter struct {
	paras []string
	cur   strings.Builder
	pre   int
	hasH1 bool
	// afterBr is the length of cur just after the last <br> outside <pre>,
	// or -1. A second <br> with only white space since the first ends the
	// paragraph: old-style pages separate paragraphs with <br><br>.
	afterBr int
}

func (w *htmlWriter) flush() {
	s := w.cur.String()
	w.cur.Reset()
	w.afterBr = -1
	if w.pre == 0 {
		s = collapse(s)
	} else {
		s = strings.Trim(s, "\n")
	}
	if strings.TrimSpace(s) != "" {
		w.paras = append(w.paras, s)
	}
}

func (w *htmlWriter) walk(n *html.Node, inArticle bool) {
	switch n.Type {
	case html.TextNode:
		w.cur.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipped(n) || (n.DataAtom == atom.Header && !inArticle) {
			return
		}
		if n.DataAtom == atom.Article {
			inArticle = true
		}
		if lvl := headingLevel(n.DataAtom); lvl > 0 {
			w.flush()
			t := collapse(textOf(n))
			if t != "" {
				if lvl == 1 {
					w.hasH1 = true
				}
				w.paras = append(w.paras, strings.Repeat("#", lvl)+" "+t)
			}
			return
		}
		switch n.DataAtom {
		case atom.Br:
			if w.pre > 0 {
				w.cur.WriteString("\n")
				return
			}
			if w.afterBr >= 0 && strings.TrimSpace(w.cur.String()[w.afterBr:]) == "" {
				w.flush()
				return
			}
			w.cur.WriteString(" ")
			w.afterBr = w.cur.Len()
			return
		case atom.Img:
			return
		case atom.Td, atom.Th:
			w.cur.WriteString(" ")
		}
	}
	block := n.Type == html.ElementNode && isBlock(n.DataAtom)
	if block {
		w.flush()
	}
	if n.DataAtom == atom.Pre {
		w.pre++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, inArticle)
	}
	if block {
		w.flush()
	}
	if n.DataAtom == atom.Pre {
		w.pre--
	}
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Li, atom.Ul, atom.Ol,
		atom.Blockquote, atom.Pre, atom.Tr, atom.Table, atom.Dd, atom.Dt, atom.Dl,
		atom.Figcaption, atom.Figure, atom.Header, atom.Address, atom.Hr, atom.Details,
		atom.Summary, atom.Caption, atom.Body, atom.Html:
		return true
	}
	return false
}

func each(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		each(c, f)
	}
}

func find(n *html.Node, pred func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && pred(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, pred); f != nil {
			return f
		}
	}
	return nil
}

// textOf returns the text inside n, skipping furniture.
func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
			return
		}
		if n.Type == html.ElementNode && n.DataAtom != atom.Title && skipped(n) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return strings.ToLower(strings.TrimSpace(v))
}

// collapse folds runs of white space (including newlines) to one space.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

func hasLetters(paras []string) bool {
	for _, p := range paras {
		for _, r := range p {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return true
			}
		}
	}
	return false
}
