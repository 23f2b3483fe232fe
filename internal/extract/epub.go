package extract

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
)

// epubPages is EPUB, run guarded.
func epubPages(ctx context.Context, data []byte) ([]string, error) {
	b, err := openZip("EPUB", "an EPUB", data)
	if err != nil {
		return nil, err
	}
	title, chapters, err := epubContents(b)
	if err != nil {
		return nil, err
	}

	// A book beyond the limits fails before any chapter is inflated.
	if err := b.fits(chapters); err != nil {
		return nil, err
	}

	var paras []string
	for _, name := range chapters {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		doc, err := b.read(name)
		if err != nil {
			return nil, err
		}
		ps, _, docTitle, err := htmlText(selfClosingRaw.ReplaceAll(doc, []byte("<$1$2></$1>")))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if title == "" && len(ps) > 0 {
			title = docTitle // a book without dc:title: its first chapter's
		}
		paras = append(paras, ps...)
	}
	if len(paras) == 0 || !hasLetters(paras) {
		return nil, ErrNoText
	}
	// The book's title heads the page, as a web page's does, unless the
	// first chapter opens with it (a title page).
	if title != "" && !strings.EqualFold(strings.TrimLeft(paras[0], "# "), title) {
		paras = append([]string{"# " + title}, paras...)
	}
	return []string{strings.Join(paras, "\n\n") + "\n"}, nil
}

// epubContents reads the book's container, encryption list and package
// document, and returns the book's title (dc:title) and the members to read
// as chapters, in reading order. It returns ErrEncrypted when one of them is
// encrypted.
func epubContents(b *zipArchive) (title string, chapters []string, err error) {
	// META-INF/container.xml names the package document (OPF).
	if b.files[epubContainer] == nil {
		return "", nil, fmt.Errorf("%w: not an EPUB (no %s)", ErrMalformed, epubContainer)
	}
	var container struct {
		Rootfiles []attrs `xml:"rootfiles>rootfile"`
	}
	if err := b.decode(epubContainer, &container); err != nil {
		return "", nil, err
	}
	opfPath := ""
	for _, r := range container.Rootfiles {
		fullPath, mediaType := r.get("full-path"), r.get("media-type")
		if fullPath != "" && (opfPath == "" || mediaType == "application/oebps-package+xml") {
			opfPath = strings.TrimPrefix(fullPath, "/")
			if mediaType == "application/oebps-package+xml" {
				break
			}
		}
	}
	if opfPath == "" {
		return "", nil, fmt.Errorf("%w: EPUB %s names no package document (rootfile)", ErrMalformed, epubContainer)
	}
	if b.files[opfPath] == nil {
		return "", nil, fmt.Errorf("%w: EPUB package document %s is missing", ErrMalformed, opfPath)
	}

	// META-INF/encryption.xml lists the encrypted members.
	encrypted := map[string]bool{}
	if b.files[epubEncryption] != nil {
		if encrypted, err = epubEncrypted(b); err != nil {
			return "", nil, err
		}
	}
	drm := fmt.Errorf("EPUB is %w (DRM protected): save a DRM-free copy", ErrEncrypted)
	if encrypted[opfPath] {
		return "", nil, drm
	}

	// The package document: the title, the manifest (id → file) and the
	// spine (the reading order, by manifest id).
	var pkg struct {
		Titles   []string `xml:"metadata>title"`
		Manifest []attrs  `xml:"manifest>item"`
		Spine    []attrs  `xml:"spine>itemref"`
	}
	if err := b.decode(opfPath, &pkg); err != nil {
		return "", nil, err
	}
	if len(pkg.Spine) == 0 {
		return "", nil, fmt.Errorf("%w: EPUB spine lists no chapters", ErrMalformed)
	}
	type item struct{ path, mediaType, properties string }
	manifest := map[string]item{}
	for _, it := range pkg.Manifest {
		manifest[it.get("id")] = item{epubHref(path.Dir(opfPath), it.get("href")), strings.ToLower(strings.TrimSpace(it.get("media-type"))), it.get("properties")}
	}
	seen := map[string]bool{}
	for _, ref := range pkg.Spine {
		it, ok := manifest[ref.get("idref")]
		switch {
		case !ok || strings.EqualFold(strings.TrimSpace(ref.get("linear")), "no"):
			continue // an id missing from the manifest, or outside the reading order
		case it.mediaType != "application/xhtml+xml" && it.mediaType != "text/html":
			continue // an image or an SVG page: no text to read
		case slices.Contains(strings.Fields(it.properties), "nav"):
			continue // the table of contents
		case seen[it.path]:
			continue // read once
		case encrypted[it.path]:
			return "", nil, drm
		}
		seen[it.path] = true
		chapters = append(chapters, it.path)
	}
	return epubTitle(pkg.Titles), chapters, nil
}

// Members of an EPUB archive at fixed places.
const (
	epubContainer  = "META-INF/container.xml"
	epubEncryption = "META-INF/encryption.xml"
)

// selfClosingRaw matches an XHTML self-closing element that an HTML parser
// takes for an opening tag whose content runs to its end tag, such as
// <title/>: the rest of the chapter would be lost as its text.
var selfClosingRaw = regexp.MustCompile(`(?i)<(title|script|style|textarea|iframe|noscript|noembed|noframes|xmp)(\s[^<>]*)?/>`)

// epubEncrypted returns the members that META-INF/encryption.xml lists as
// encrypted, other than fonts obfuscated as EPUB allows (the text of such
// a book is readable).
func epubEncrypted(b *zipArchive) (map[string]bool, error) {
	var enc struct {
		Data []struct {
			Method struct {
				Algorithm string `xml:"Algorithm,attr"`
			} `xml:"EncryptionMethod"`
			Ref struct {
				URI string `xml:"URI,attr"`
			} `xml:"CipherData>CipherReference"`
		} `xml:"EncryptedData"`
	}
	if err := b.decode(epubEncryption, &enc); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, d := range enc.Data {
		switch strings.TrimSpace(d.Method.Algorithm) {
		case "http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC": // font obfuscation
			continue
		}
		out[epubHref("", d.Ref.URI)] = true // relative to the archive's root
	}
	return out, nil
}

// epubHref resolves a manifest href (a URL relative to the folder dir of
// the package document) to the name of an archive member.
func epubHref(dir, href string) string {
	href, _, _ = strings.Cut(strings.TrimSpace(href), "#")
	if u, err := url.PathUnescape(href); err == nil {
		href = u
	}
	if strings.HasPrefix(href, "/") {
		return path.Clean(strings.TrimPrefix(href, "/"))
	}
	return path.Join(dir, href)
}

// epubTitle is the first non-empty dc:title, white space collapsed.
func epubTitle(titles []string) string {
	for _, t := range titles {
		if t = collapse(t); t != "" {
			return t
		}
	}
	return ""
}
