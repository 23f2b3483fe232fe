// Package extract turns HTML, PDF, EPUB, Word (.docx) and OpenDocument
// text (.odt) files into plain text pages for the knowledge loader. Each
// extractor has the shape of knowledge.Extractor:
//
//	func(ctx context.Context, data []byte) (pages []string, err error)
//
// HTML yields one page: the main text of the document (the <main> or
// <article> element when there is one), without navigation, scripts, styles,
// forms or page furniture, with headings kept as Markdown headings ("## ...")
// and paragraphs separated by blank lines. PDF yields one page per PDF page,
// from the text layer, with paragraphs separated by blank lines (the
// knowledge package drops page furniture and joins a paragraph cut by a page
// break). EPUB yields one page too, as an e-book has no printed pages: its
// chapters in reading order, each read as HTML reads a web page. DOCX and
// ODT yield one page as well (a word processor's pages depend on the
// printer): the paragraphs of the body, headings (by their styles or
// outline levels) as Markdown headings, without what a reader does not see
// (deleted text of tracked changes, field codes, notes, comments). EPUB,
// DOCX and ODT files are zip archives; they are read within the same limits
// on what an archive may inflate to (zip.go).
//
// The extractors stand together in this file, as they share their shape and
// their guard: each runs its format's reader (html.go, pdf.go, epub.go,
// docx.go, odt.go) through guarded, so that they never panic: a panic
// inside a parsing library is recovered and returned as an error wrapping
// ErrMalformed. All functions are safe for concurrent use.
package extract

import (
	"context"
	"errors"
	"fmt"
)

// Errors returned by the extractors, checked with errors.Is. Their messages
// are written to be shown as the reason a file was skipped.
var (
	// ErrNoText: a document without readable text (an HTML page of only
	// scripts, styles or navigation, a book or document of only images, or
	// nothing at all).
	ErrNoText = errors.New("no readable text")
	// ErrNoTextLayer: a PDF whose pages carry no text layer, such as a
	// scanned document; it needs OCR before it can be indexed.
	ErrNoTextLayer = errors.New("PDF has no text layer (scanned? run OCR first)")
	// ErrEncrypted: a PDF, .docx or .odt protected by a password, or an
	// EPUB protected by DRM. The extractors wrap it in a message that says
	// which and what to do ("PDF is encrypted (password protected): save an
	// unprotected copy").
	ErrEncrypted = errors.New("encrypted")
	// ErrMalformed: a file that is damaged or is not the format its name says.
	ErrMalformed = errors.New("malformed file")
)

// HTML extracts the main text of an HTML document as one page. The main
// element is <main>, else the longest <article>, else an element with
// role="main", else <body>. Scripts, styles, navigation, footers, headers
// outside the main element or an article, asides, forms and hidden elements
// are dropped.
// Headings become Markdown headings and the page starts with "# <title>"
// when the content has no <h1>. It returns ErrNoText when nothing readable
// remains, and ctx.Err() when ctx is done. Non-UTF-8 input is decoded from
// the charset the document declares (or sniffs).
func HTML(ctx context.Context, data []byte) ([]string, error) {
	return guarded(ctx, "HTML parser", func() ([]string, error) { return htmlPages(ctx, data) })
}

// PDF extracts the text layer of a PDF, one string per page (pages without
// text are ""). Lines are rebuilt from glyph positions, words hyphenated at a
// line end are joined, and a vertical gap wider than the usual line spacing
// or a change of font size starts a new paragraph (a blank line).
//
// The pages are as printed, page numbers and running heads included:
// knowledge tidies any document of several pages (knowledge.Parse).
//
// Errors: ErrEncrypted for a password-protected file, ErrNoTextLayer when no
// page has any text (a scanned document), ErrMalformed (wrapped, with the
// cause) for damaged files or a panic inside the PDF library, and ctx.Err()
// when ctx is done between pages.
func PDF(ctx context.Context, data []byte) ([]string, error) {
	return guarded(ctx, "PDF reader", func() ([]string, error) { return pdfPages(ctx, data) })
}

// EPUB extracts the text of an EPUB book (EPUB 2 or 3) as one page: the
// chapters of the spine in reading order, each read as HTML reads a web
// page (headings kept as "## ...", page furniture and Project Gutenberg's
// header and licence dropped), separated by blank lines. An EPUB has no
// printed pages, so citations give paragraphs and lines, not "p. N". The
// page starts with "# <book title>" unless the first chapter starts with
// that heading. Items the spine marks linear="no" (notes, pop-ups), the
// navigation document and items that are not XHTML are left out.
//
// Errors: ErrEncrypted for a book whose chapters are DRM protected (font
// obfuscation is no obstacle), ErrNoText when no chapter has readable text,
// ErrMalformed (wrapped, with the cause) for a file that is not an EPUB, is
// damaged, or goes beyond the size limits, and ctx.Err() when ctx is done
// between chapters.
func EPUB(ctx context.Context, data []byte) ([]string, error) {
	return guarded(ctx, "EPUB reader", func() ([]string, error) { return epubPages(ctx, data) })
}

// DOCX extracts the text of a Word document (.docx, Office Open XML) as one
// page: the paragraphs of the body (word/document.xml) in order, table
// cells' paragraphs as paragraphs, separated by blank lines. A paragraph
// styled Title or Heading 1 to 9 becomes a Markdown heading ("# " for Title
// and Heading 1, "## " for Heading 2...), found by the style's id or, as
// Word names its built-in styles in English whatever the language of its
// ids, by its name in word/styles.xml. A tab is a space and a line break
// (Shift+Enter) a new line in the paragraph. What a reader does not see is
// left out: deleted text of tracked changes, field codes (the field's
// result is kept), the fallback copy of a text box, and the entries of a
// table of contents. Headers, footers, footnotes and comments are not read.
//
// Errors: ErrEncrypted for a document saved with a password (Word then
// writes an OLE compound file, not a zip archive), ErrNoText when the body
// has no readable text, ErrMalformed (wrapped, with the cause) for a file
// that is not a .docx, is damaged or goes beyond the limits on what the
// archive may inflate to (the same as EPUB's), and ctx.Err() when ctx is
// done before it is read.
func DOCX(ctx context.Context, data []byte) ([]string, error) {
	return guarded(ctx, "DOCX reader", func() ([]string, error) { return docxPages(data) })
}

// ODT extracts the text of an OpenDocument text (.odt, as LibreOffice and
// other office suites save it) as one page: the paragraphs of content.xml
// in order, table cells' paragraphs as paragraphs, separated by blank
// lines. A heading (text:h) becomes a Markdown heading of its outline
// level ("# " for level 1, "## " for level 2, up to 6). Spaces (text:s) and
// tabs are a space, a line break a new line in the paragraph. What a
// reader does not see in the text is left out: footnotes and endnotes,
// comments, the deleted text of tracked changes, a table of contents or
// another index (it repeats the document), and images' titles and
// descriptions. Headers and footers (in styles.xml) are not read.
//
// Errors: ErrEncrypted for a document saved with a password (its manifest
// lists encryption data), ErrNoText when it has no readable text,
// ErrMalformed (wrapped, with the cause) for a file that is not an .odt, is
// damaged or goes beyond the limits on what the archive may inflate to (the
// same as EPUB's), and ctx.Err() when ctx is done before it is read.
func ODT(ctx context.Context, data []byte) ([]string, error) {
	return guarded(ctx, "ODT reader", func() ([]string, error) { return odtPages(data) })
}

// guarded runs an extractor's pages: it returns ctx.Err() without calling
// pages when ctx is done, and turns a panic inside lib (the parsing library)
// into no pages and an error wrapping ErrMalformed.
func guarded(ctx context.Context, lib string, pages func() ([]string, error)) (out []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: %s failed: %v", ErrMalformed, lib, r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return pages()
}
