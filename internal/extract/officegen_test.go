package extract

import (
	"strings"
)

// This file builds the Word (.docx) and OpenDocument (.odt) documents of
// testdata (TestGenerateTestdata) and the damaged ones the tests make on
// the fly, with buildZip.

// docxFile is a .docx whose body (word/document.xml) holds body, the
// WordprocessingML of its paragraphs and tables, and whose styles.xml
// defines styles (`<w:style .../>` elements), with the other members given.
func docxFile(body, styles string, others ...zipMember) []byte {
	const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>`
	return buildZip(append([]zipMember{
		{"[Content_Types].xml", types},
		{"_rels/.rels", docxRels("word/document.xml")},
		{"word/document.xml", docxDocument(body)},
		{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
` + styles + `
</w:styles>`},
	}, others...))
}

// docxRels is a _rels/.rels naming main as the document's body.
func docxRels(main string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + main + `"/>
</Relationships>`
}

// docxDocument is a word/document.xml, with the namespaces Word declares,
// whose body holds body.
func docxDocument(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps">
<w:body>
` + body + `
<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr>
</w:body>
</w:document>`
}

// wp is a paragraph of the style (none when "") holding the runs.
func wp(style string, runs ...string) string {
	ppr := ""
	if style != "" {
		ppr = `<w:pPr><w:pStyle w:val="` + style + `"/><w:tabs><w:tab w:val="right" w:pos="9000"/></w:tabs><w:rPr><w:del w:id="90" w:author="Editor"/></w:rPr></w:pPr>`
	}
	return "<w:p>" + ppr + strings.Join(runs, "") + "</w:p>\n"
}

// wr is a run of text, its spaces kept.
func wr(text string) string { return `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r>` }

// wStyle is the definition of a paragraph style.
func wStyle(id, name string) string {
	return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/></w:style>` + "\n"
}

// storyDOCX is a short story as Word saves it: a title, a table of
// contents, headings of two levels, a word split across runs (as spelling
// checks and formatting leave them), a tracked deletion and insertion, a
// tab, line breaks, a hyperlink field, a table, a text box (which Word
// writes twice: for Word 2010 and as a fallback), an empty paragraph and a
// non-breaking hyphen.
func storyDOCX() []byte {
	textBox := func(text string) string {
		return `<w:txbxContent>` + wp("", wr(text)) + `</w:txbxContent>`
	}
	cell := func(text string) string {
		return `<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>` + wp("", wr(text)) + `</w:tc>`
	}
	body := wp("Title", wr("The Clockmaker of Vell")) +
		`<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr><w:sdtContent>` +
		wp("TOCHeading", wr("Contents")) +
		wp("TOC1", `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>`, wr("Part One"), `<w:r><w:tab/></w:r>`, wr("1"), `<w:r><w:fldChar w:fldCharType="end"/></w:r>`) +
		`</w:sdtContent></w:sdt>` +
		wp("Heading1", wr("Part One")) +
		wp("Heading2", wr("The Shop")) +
		wp("", wr("Anselm Roth mended clo"), `<w:r><w:rPr><w:b/></w:rPr><w:t>cks</w:t></w:r>`, wr(" in a "),
			`<w:del w:id="1" w:author="Editor" w:date="2024-05-01T10:00:00Z"><w:r><w:delText xml:space="preserve">dusty old </w:delText></w:r></w:del>`,
			`<w:ins w:id="2" w:author="Editor" w:date="2024-05-01T10:00:00Z">`+wr("narrow ")+`</w:ins>`,
			wr("shop on the bridge of Vell, where the river ran so loud beneath the floor that customers had to shout.")) +
		wp("", wr("Opening hours:"), `<w:r><w:tab/></w:r>`, wr("nine to six, except on market days.")) +
		wp("", wr("The sign over the door said:"), `<w:r><w:br/></w:r>`, wr("Clocks mended"), `<w:r><w:br/></w:r>`, wr("Bells tuned")) +
		wp("", wr("He kept his accounts in "),
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/register" \o "Guild register" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>`,
			wr("the guild register"), `<w:r><w:fldChar w:fldCharType="end"/></w:r>`,
			wr(", which the mayor read every spring.")) +
		`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>
<w:tr>` + cell("Clock") + cell("Owner") + `</w:tr>
<w:tr>` + cell("The tower clock") + cell("The town council") + `</w:tr>
</w:tbl>
` +
		wp("Heading2", wr("The Storm")) +
		wp("", wr("On the night of the great storm the tower clock stopped at eleven, and Anselm climbed the bell tower with a lantern and a bag of tools to set it going again before the fishing boats came home.")) +
		wp("") +
		wp("", wr("The boats came home safely."),
			`<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>`+
				textBox("A note pinned to the wall: never oil the escapement.")+
				`</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>`+
				textBox("A note pinned to the wall: never oil the escapement.")+
				`</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`) +
		wp("", wr("The next morning the harbour"), `<w:r><w:noBreakHyphen/></w:r>`, wr("master sent him a barrel of herring."))
	styles := wStyle("Title", "Title") + wStyle("Heading1", "heading 1") + wStyle("Heading2", "heading 2") +
		wStyle("TOCHeading", "TOC Heading") + wStyle("TOC1", "toc 1")
	return docxFile(body, styles, zipMember{"docProps/core.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Clockmaker of Vell</dc:title></cp:coreProperties>`})
}

// oleFile is the start of an OLE compound file: its header and a directory
// sector naming the streams (in UTF-16).
func oleFile(streams ...string) []byte {
	data := make([]byte, 512, 1024)
	copy(data, oleMagic)
	copy(data[0x18:], "\x3e\x00\x03\x00\xfe\xff\x09\x00") // minor version, version 3, byte order, sector shift
	for _, name := range append([]string{"Root Entry"}, streams...) {
		entry := make([]byte, 128)
		n := copy(entry, utf16LE(name))
		entry[64] = byte(n + 2) // the name's length, with its terminating zero
		data = append(data, entry...)
	}
	return data
}

// lockedDOCX is a .docx saved with a password, as Word writes it: an OLE
// compound file holding the encrypted package.
func lockedDOCX() []byte {
	return oleFile("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage")
}

// odtFile is an .odt whose office:text holds body, with the other members
// given (a manifest without encryption unless one is given).
func odtFile(body string, others ...zipMember) []byte {
	members := []zipMember{
		{"mimetype", "application/vnd.oasis.opendocument.text"},
		{"META-INF/manifest.xml", odtManifest(`<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>`)},
		{"content.xml", odtContent(body)},
	}
	for _, o := range others {
		replaced := false
		for i := range members {
			if members[i].name == o.name {
				members[i], replaced = o, true
			}
		}
		if !replaced {
			members = append(members, o)
		}
	}
	return buildZip(members)
}

// odtManifest is a META-INF/manifest.xml listing entries besides the root.
func odtManifest(entries string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 ` + entries + `
</manifest:manifest>`
}

// odtContent is a content.xml, with the namespaces LibreOffice declares,
// whose office:text holds body.
func odtContent(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"/></style:style>
 </office:automatic-styles>
 <office:body>
  <office:text>
   <text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Figure"/></text:sequence-decls>
` + body + `
  </office:text>
 </office:body>
</office:document-content>`
}

// storyODT is a short story as LibreOffice saves it: a table of contents,
// headings of two levels, spans, runs of spaces (text:s), a tab, a line
// break, a footnote, a comment, a tracked deletion, a table, a list, an
// image with a title and a description, and a soft page break.
func storyODT() []byte {
	body := `   <text:table-of-content text:name="Table of Contents1">
    <text:table-of-content-source text:outline-level="2"><text:index-title-template>Contents</text:index-title-template></text:table-of-content-source>
    <text:index-body>
     <text:index-title text:name="Table of Contents1_Head"><text:p text:style-name="Contents_20_Heading">Contents</text:p></text:index-title>
     <text:p text:style-name="Contents_20_1">The Salt Road<text:tab/>1</text:p>
    </text:index-body>
   </text:table-of-content>
   <text:tracked-changes>
    <text:changed-region xml:id="ct1" text:id="ct1">
     <text:deletion><office:change-info><dc:creator>Editor</dc:creator><dc:date>2024-05-01T10:00:00</dc:date></office:change-info><text:p>and her brother</text:p></text:deletion>
    </text:changed-region>
   </text:tracked-changes>
   <text:h text:style-name="Heading_20_1" text:outline-level="1">The Salt Road</text:h>
   <text:p text:style-name="Standard">Every spring the salt carts left Harrow for the coast, and <text:span text:style-name="T1">Mira Vance</text:span> walked<text:s text:c="3"/>beside the lead mule<text:change text:change-id="ct1"/> from the first milestone to the last.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p text:style-name="Footnote">Harrow is a fictional town.</text:p></text:note-body></text:note></text:p>
   <text:h text:style-name="Heading_20_2" text:outline-level="2">The Ford</text:h>
   <text:p text:style-name="Standard">The notice at the ford read:<text:line-break/>Road closed<text:line-break/>Ford impassable</text:p>
   <text:p text:style-name="Standard"><office:annotation><dc:creator>Editor</dc:creator><text:p>Check the spelling of Harrow.</text:p></office:annotation>When the river rose in the night, Mira led the mules upstream to the old stone bridge, and not one cart of salt was lost to the water.</text:p>
   <text:soft-page-break/>
   <text:p text:style-name="Standard">Toll:<text:tab/>two pennies a cart.</text:p>
   <table:table table:name="Table1">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row><table:table-cell office:value-type="string"><text:p>Cart</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Load</text:p></table:table-cell></table:table-row>
    <table:table-row><table:table-cell office:value-type="string"><text:p>The first cart</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Twelve sacks</text:p></table:table-cell></table:table-row>
   </table:table>
   <text:list text:style-name="L1">
    <text:list-item><text:p>Rope</text:p></text:list-item>
    <text:list-item><text:p>Lantern</text:p></text:list-item>
   </text:list>
   <text:p text:style-name="Standard"><draw:frame draw:name="Image1" svg:width="5cm" svg:height="3cm"><draw:image xlink:href="Pictures/bridge.png"/><svg:title>Photo of a bridge</svg:title><svg:desc>A stone bridge over a river</svg:desc></draw:frame>The bridge still stands.</text:p>
   <text:p text:style-name="Standard"/>`
	return odtFile(body)
}

// encryptedODT is an .odt saved with a password: its manifest lists how
// content.xml is encrypted, and content.xml is ciphertext.
func encryptedODT() []byte {
	return odtFile("", zipMember{"META-INF/manifest.xml", odtManifest(`<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="2874">
  <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="pZ4YkSmb0x1Ffl8Qv6dYbT0cF4w=">
   <manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="O5nU4Xy1J9pXl1bVb7qDZg=="/>
   <manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="x8o1rXQ5lLZ0YwqOZ2n0ew=="/>
  </manifest:encryption-data>
 </manifest:file-entry>`)},
		zipMember{"content.xml", "\x8f\x1d\xc2\x07 ciphertext \x00\x93\x4e\xfa"})
}
