package answer

import (
	"fmt"
	"regexp"
	"strings"

	"storybot/internal/cite"
)

// A question about the documents themselves ("What's the date of the
// article?", "When was this written?") is answered from their dates
// (knowledge.Document.Date: front matter, or a first line "date
// YYYY-MM-DD"), each cited by its document's opening: no sentence says
// when the text itself was written.

// dateAskRe matches a question that asks when.
var dateAskRe = regexp.MustCompile(`(?i)\b(?:when|dated?|how\s+(?:old|recent|new)|what\s+(?:day|year))\b`)

// documentWords name a document or its writing, and ageWords its age: a
// question about a document's date holds one of documentWords and no
// other topic word but ageWords.
const (
	documentWords = `article articles story stories report reports document documents news piece text written write wrote
publish published posted post`
	ageWords = `dated date old recent new`
)

// maxDated is how many documents' dates one answer lists.
const maxDated = 5

// MsgNoDates answers a question about the documents' date when none has one.
const MsgNoDates = "The documents in the knowledge folder carry no date."

// asksDocumentDate reports whether q asks when the documents were written:
// it asks when, names a document ("article", "written"...), and names
// nothing else that is not a framing or a vague word.
func (p *Pipeline) asksDocumentDate(q string) bool {
	if p.opts.Documents == nil || !dateAskRe.MatchString(q) {
		return false
	}
	names := false
	for _, t := range p.an.Terms(q) {
		switch {
		case p.docWords[t]:
			names = true
		case p.ageWords[t] || frameTerms[t] || p.vague[t]:
		default:
			return false
		}
	}
	return names
}

// documentDate answers a question about the documents' dates: the dated
// documents in folder order (maxDated at most), each cited by its opening
// paragraph.
func (p *Pipeline) documentDate(q string) Answer {
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	var lines []string
	dated := 0
	for _, d := range p.opts.Documents() {
		if d.Date == "" || len(d.Passages) == 0 {
			continue
		}
		dated++
		if len(ans.Citations) == maxDated {
			continue
		}
		ps := d.Passages[0]
		lo, hi := paragraphAround(ps.Text, 0, 0)
		n := len(ans.Citations) + 1
		ans.Citations = append(ans.Citations, Citation{
			N: n, Doc: ps.Doc, Title: ps.Title, PassageID: ps.ID, Text: ps.Text[lo:hi],
			Location: ps.Span(lo, hi).Location(), Quote: shorten(SourceRefs(strings.TrimSpace(ps.Text[lo:hi])), maxQuote),
		})
		lines = append(lines, fmt.Sprintf("“%s” is dated %s. %s", d.Title, d.Date, cite.Format(n)))
	}
	switch {
	case dated == 0:
		ans.Refused, ans.Text = true, MsgNoDates
	case dated > maxDated:
		lines = append(lines, fmt.Sprintf("%d more documents are dated too.", dated-maxDated))
		fallthrough
	default:
		ans.Text = strings.Join(lines, "\n")
	}
	return ans
}
