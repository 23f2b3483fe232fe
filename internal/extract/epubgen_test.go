package extract

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// This file builds the EPUB books of testdata (TestGenerateTestdata) and the
// damaged ones the tests make on the fly.

// zipMember is one member of a test archive.
type zipMember struct{ name, body string }

// buildZip writes the members in order, "mimetype" stored and the others
// deflated, with no timestamps, so the same members give the same bytes.
func buildZip(members []zipMember) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, m := range members {
		method := zip.Deflate
		if m.name == "mimetype" {
			method = zip.Store
		}
		f, err := w.CreateHeader(&zip.FileHeader{Name: m.name, Method: method})
		if err != nil {
			panic(err)
		}
		if _, err := f.Write([]byte(m.body)); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// epubContainerXML is a META-INF/container.xml naming opf.
func epubContainerXML(opf string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="` + opf + `" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`
}

// epubZip is an EPUB: the mimetype, a container naming the package document
// opfPath, the package document opf, then the others in order.
func epubZip(opfPath, opf string, others ...zipMember) []byte {
	return buildZip(append([]zipMember{
		{"mimetype", "application/epub+zip"},
		{"META-INF/container.xml", epubContainerXML(opfPath)},
		{opfPath, opf},
	}, others...))
}

// xhtml is an XHTML content document with this head title and body.
func xhtml(title, body string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="en">
<head>
  <title>` + title + `</title>
  <link rel="stylesheet" type="text/css" href="../Styles/style.css"/>
</head>
<body>
` + body + `
</body>
</html>
`
}

// epubOPF is a package document: version "2.0" or "3.0", the title, the
// manifest items (`<item .../>` lines) and the spine itemrefs.
func epubOPF(version, title, manifest, spine string) string {
	toc := ""
	if version == "2.0" {
		toc = ` toc="ncx"`
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="` + version + `" unique-identifier="bookid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="bookid">urn:uuid:12345678-1234-1234-1234-123456789abc</dc:identifier>
    <dc:title>` + title + `</dc:title>
    <dc:creator>Anonymous</dc:creator>
    <dc:language>en</dc:language>
  </metadata>
  <manifest>
` + manifest + `
  </manifest>
  <spine` + toc + `>
` + spine + `
  </spine>
</package>
`
}

// storyEPUB is an EPUB 3 book as Project Gutenberg makes them: a navigation
// document (in the spine, as some tools put it), the Gutenberg header in
// the first chapter and the licence after the last, three chapters (the
// second in a file whose name has a space, in a subfolder), transcriber's
// notes outside the reading order (linear="no") and a style sheet the
// spine lists by mistake.
func storyEPUB() []byte {
	const title = "The Ferryman&#8217;s Daughter"
	ch1 := xhtml(title, `<section class="pg-boilerplate pgheader" id="pg-header">
<h2 id="pg-header-heading">The Project Gutenberg eBook of The Ferryman&#8217;s Daughter</h2>
<div>This ebook is for the use of anyone anywhere in the United States and most other parts of the world at no cost and with almost no restrictions whatsoever.</div>
<div class="container" id="pg-machine-header"><p><strong>Title</strong>: The Ferryman&#8217;s Daughter</p><p><strong>Release date</strong>: May 1, 2024 [eBook #99999]</p></div>
<div id="pg-start-separator"><span>*** START OF THE PROJECT GUTENBERG EBOOK THE FERRYMAN&#8217;S DAUGHTER ***</span></div>
</section>
<h1>The Ferryman&#8217;s Daughter</h1>
<div class="chapter">
<h2><a id="chap01"></a>Chapter I. The River</h2>
<p>Ilse Brandt was the daughter of the ferryman of Lindau, and she could row before she could read. Her father&#8217;s ferry was a flat boat of oak, and it crossed the river on a rope of hemp twelve times a day.</p>
<p>In the summer she carried farmers and their geese; in the autumn she carried the priest, who was afraid of the water and said his prayers aloud all the way across.</p>
</div>`)
	ch2 := xhtml(title, `<div class="chapter">
<h2><a id="chap02"></a>Chapter II. The Flood</h2>
<p>In the spring of the wet year the snow melted all at once in the mountains, and the river rose faster than anyone in Lindau could remember.</p>
<p>When the water reached the church steps, Ilse untied the ferry and carried the miller&#8217;s children across to the high meadow, one boatload at a time. Her father held the rope on the far bank until his hands bled.</p>
<p>By nightfall the mill was gone, but not one child of the village was lost.</p>
</div>`)
	ch3 := xhtml(title, `<div class="chapter">
<h2><a id="chap03"></a>Chapter III. The Bell</h2>
<p>The village bought a new bell for the church that summer, and on it the smith engraved the name of the ferryman&#8217;s daughter.</p>
<p>Ilse rang it herself on the day it was hung, and then she went back to her boat.</p>
</div>
<section class="pg-boilerplate pgfooter" id="pg-footer">
<div id="pg-end-separator"><span>*** END OF THE PROJECT GUTENBERG EBOOK THE FERRYMAN&#8217;S DAUGHTER ***</span></div>
<p>Updated editions will replace the previous one&#8212;the old editions will be renamed. Redistribution is subject to the Project Gutenberg License.</p>
</section>`)
	nav := xhtml(title, `<h1>Contents</h1>
<nav epub:type="toc" id="toc"><ol>
<li><a href="Text/chapter1.xhtml">Chapter I. The River</a></li>
<li><a href="Text/chapter%202.xhtml">Chapter II. The Flood</a></li>
<li><a href="Text/chapter3.xhtml">Chapter III. The Bell</a></li>
</ol></nav>`)
	notes := xhtml("Notes", `<h2>Transcriber&#8217;s Notes</h2>
<p>Obvious printer&#8217;s errors have been silently corrected.</p>`)
	opf := epubOPF("3.0", title, `    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="css" href="Styles/style.css" media-type="text/css"/>
    <item id="ch1" href="Text/chapter1.xhtml" media-type="application/xhtml+xml"/>
    <item id="ch2" href="Text/chapter%202.xhtml#start" media-type="application/xhtml+xml"/>
    <item id="ch3" href="Text/chapter3.xhtml" media-type="application/xhtml+xml"/>
    <item id="notes" href="Text/notes.xhtml" media-type="application/xhtml+xml"/>`,
		`    <itemref idref="nav"/>
    <itemref idref="css"/>
    <itemref idref="ch1"/>
    <itemref idref="notes" linear="no"/>
    <itemref idref="ch2"/>
    <itemref idref="ch3" linear="yes"/>`)
	return epubZip("OEBPS/content.opf", opf,
		zipMember{"OEBPS/nav.xhtml", nav},
		zipMember{"OEBPS/Styles/style.css", "body { font-family: serif; }\nh2 { text-align: center; }\n"},
		zipMember{"OEBPS/Text/chapter1.xhtml", ch1},
		zipMember{"OEBPS/Text/chapter 2.xhtml", ch2},
		zipMember{"OEBPS/Text/chapter3.xhtml", ch3},
		zipMember{"OEBPS/Text/notes.xhtml", notes},
	)
}

// epub2EPUB is an EPUB 2 book with an NCX table of contents, its package
// document at the root of the archive, XHTML 1.1 chapters whose headings
// are <h1>, and a chapter whose head has a self-closing <title/> (which an
// HTML parser reads as a title running to the end of the file).
func epub2EPUB() []byte {
	const title = "The Miller and the Owl"
	chapter := func(head, body string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>` + head + `<meta http-equiv="Content-Type" content="application/xhtml+xml; charset=utf-8"/></head>
<body>` + body + `</body>
</html>
`
	}
	ncx := `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="urn:uuid:0000"/></head>
  <docTitle><text>` + title + `</text></docTitle>
  <navMap>
    <navPoint id="n1" playOrder="1"><navLabel><text>The Mill</text></navLabel><content src="part1.html"/></navPoint>
    <navPoint id="n2" playOrder="2"><navLabel><text>The Bargain</text></navLabel><content src="part2.html"/></navPoint>
  </navMap>
</ncx>
`
	opf := epubOPF("2.0", title, `    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="cover" href="cover.jpg" media-type="image/jpeg"/>
    <item id="p1" href="part1.html" media-type="application/xhtml+xml"/>
    <item id="p2" href="part2.html" media-type="application/xhtml+xml"/>`,
		`    <itemref idref="cover"/>
    <itemref idref="p1"/>
    <itemref idref="p2"/>`)
	return epubZip("content.opf", opf,
		zipMember{"toc.ncx", ncx},
		zipMember{"cover.jpg", "\xff\xd8\xff\xe0 not really a JPEG"},
		zipMember{"part1.html", chapter("<title>"+title+"</title>", `
<h1>I. The Mill</h1>
<p>There was once a miller whose mill stood by a stream so slow that the wheel turned only on Sundays.</p>
<p>An owl lived in the loft above the grindstones and ate the mice that ate the miller&apos;s flour.</p>`)},
		zipMember{"part2.html", chapter("<title/>", `
<h1>II. The Bargain</h1>
<p>One night the owl said to the miller: &#8220;Give me the loft for as long as I live, and I will keep your flour.&#8221;</p>
<p>The miller agreed, and the mill prospered for thirty years.</p>`)},
	)
}

// drmEPUB is a book whose chapter META-INF/encryption.xml lists as
// encrypted with AES (as Adobe's DRM does); its font is obfuscated too.
func drmEPUB() []byte {
	enc := `<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
    <enc:CipherData><enc:CipherReference URI="OEBPS/font.otf"/></enc:CipherData>
  </enc:EncryptedData>
  <enc:EncryptedData>
    <enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
    <ds:KeyInfo><ds:RetrievalMethod URI="#EK" Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey"/></ds:KeyInfo>
    <enc:CipherData><enc:CipherReference URI="OEBPS/chapter1.xhtml"/></enc:CipherData>
  </enc:EncryptedData>
</encryption>
`
	opf := epubOPF("3.0", "Locked", `    <item id="font" href="font.otf" media-type="font/otf"/>
    <item id="ch1" href="chapter1.xhtml" media-type="application/xhtml+xml"/>`, `    <itemref idref="ch1"/>`)
	return epubZip("OEBPS/content.opf", opf,
		zipMember{"META-INF/encryption.xml", enc},
		zipMember{"META-INF/rights.xml", "<adept:rights xmlns:adept=\"http://ns.adobe.com/adept\"/>"},
		zipMember{"OEBPS/font.otf", "\x8a\x91\x13\x07 obfuscated font"},
		zipMember{"OEBPS/chapter1.xhtml", "\x17\xe3\x9c\x01\xfa\x88 ciphertext \x00\x9d\x4e"},
	)
}

// oneChapterEPUB is a book of one chapter, OEBPS/chapter.xhtml, holding body.
func oneChapterEPUB(body string) []byte {
	opf := epubOPF("3.0", "One Chapter", `    <item id="ch" href="chapter.xhtml" media-type="application/xhtml+xml"/>`, `    <itemref idref="ch"/>`)
	return epubZip("OEBPS/content.opf", opf, zipMember{"OEBPS/chapter.xhtml", body})
}

// bombEPUB is a book whose one chapter inflates to one byte more than
// zipMaxFileBytes (from a few KB: a zip bomb).
func bombEPUB() []byte {
	head := xhtml("Bomb", "<p>")
	return oneChapterEPUB(head + strings.Repeat("a", zipMaxFileBytes+1-len(head)))
}

// manyChaptersEPUB is a book of n chapters of size bytes each: the same
// text, compressed once and copied, so that the archive is quick to make.
func manyChaptersEPUB(n, size int) []byte {
	one := buildZip([]zipMember{{"c.xhtml", xhtml("Chapter", "<p>"+strings.Repeat("word ", size/5))}})
	chapter, err := zip.NewReader(bytes.NewReader(one), int64(len(one)))
	if err != nil {
		panic(err)
	}
	var opf strings.Builder
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := range n {
		fmt.Fprintf(&opf, "<item id=\"c%d\" href=\"c%d.xhtml\" media-type=\"application/xhtml+xml\"/>\n", i, i)
		h := chapter.File[0].FileHeader
		h.Name = fmt.Sprintf("c%d.xhtml", i)
		raw, err := chapter.File[0].OpenRaw()
		if err != nil {
			panic(err)
		}
		f, err := w.CreateRaw(&h)
		if err == nil {
			_, err = io.Copy(f, raw)
		}
		if err != nil {
			panic(err)
		}
	}
	opf.WriteString("</manifest><spine>\n")
	for i := range n {
		fmt.Fprintf(&opf, "<itemref idref=\"c%d\"/>\n", i)
	}
	for _, m := range []zipMember{
		{"META-INF/container.xml", epubContainerXML("content.opf")},
		{"content.opf", `<package><manifest>` + opf.String() + `</spine></package>`},
	} {
		f, err := w.Create(m.name)
		if err == nil {
			_, err = f.Write([]byte(m.body))
		}
		if err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
