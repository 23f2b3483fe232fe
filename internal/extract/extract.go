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
// Extractors never panic: a panic inside a parsing library is recovered and
// returned as an error wrapping ErrMalformed. All functions are safe for
// concurrent use.
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
