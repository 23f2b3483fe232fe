package answer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/knowledge"
)

// TestDocumentDate: "When was this written?" is answered from the
// documents' dates, each cited by its opening, with or without a model
// (the model is not asked); a question about an event is not.
func TestDocumentDate(t *testing.T) {
	ix := story(t)
	m := replying("The cyberattack came in July [1].")
	for _, model := range []answer.Model{nil, m} {
		p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Model: model})
		for _, q := range []string{"what's the date of the article", "When was this written?", "when was the story published", "How old is this news?", "date?", "the date pls", "how long ago was this?", "How old is it?", "whens the article from"} {
			a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
			if err != nil || a.Refused || a.Text != "“Albania cuts ties with Iran” is dated 2022-09-07. [1]" || len(a.Citations) != 1 || a.Citations[0].Location != "¶1, line 1" {
				t.Errorf("%q: %+v, %v", q, a, err)
			}
		}
		for _, q := range []string{"When did the MEK come to Albania?", "When did it happen?", "When was the cyberattack?", "what date did the MEK arrive?", "how long ago was the cyberattack?"} {
			if a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil); err != nil || strings.Contains(a.Text, "is dated") {
				t.Errorf("%q is no question about the document's date: %+v, %v", q, a, err)
			}
		}
	}
	if m.n() != 5 {
		t.Errorf("the model was called %d times, want once for each question about an event", m.n())
	}

	// A follow-up that names the article asks about it; "date?" after an
	// event asks the event's.
	offline := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for before, q := range map[string]string{"what is Albania's main port?": "when was this article written", "When was the cyberattack?": "date?"} {
		_, history := askedBefore(t, offline, before, "")
		a, err := offline.Ask(context.Background(), answer.Request{Question: q, History: history}, nil)
		if dated := strings.Contains(a.Text, "is dated"); err != nil || dated != (q != "date?") {
			t.Errorf("%q after %q: %q, %v", q, before, a.Text, err)
		}
	}

	// Many documents: the first maxListed, then how many more; none dated.
	var docs []*knowledge.Document
	for i := range 7 {
		docs = append(docs, &knowledge.Document{Path: fmt.Sprintf("d%d.md", i), Title: fmt.Sprintf("Report %d", i), Date: fmt.Sprintf("2024-01-0%d", i+1),
			Passages: []knowledge.Passage{{ID: fmt.Sprint(i), Doc: fmt.Sprintf("d%d.md", i), Title: fmt.Sprintf("Report %d", i), ParaStart: 1, ParaEnd: 1, StartLine: 1, EndLine: 1, Text: "Text."}}})
	}
	p := answer.New(answer.Options{Retriever: ix, Documents: func() []*knowledge.Document { return docs }})
	a, err := p.Ask(context.Background(), answer.Request{Question: "When were the reports published?"}, nil)
	if err != nil || len(a.Citations) != 5 || !strings.HasSuffix(a.Text, "2 more documents are dated too.") || !strings.HasPrefix(a.Text, "“Report 0” is dated 2024-01-01. [1]\n") {
		t.Errorf("seven dated documents: %q, %v", a.Text, err)
	}
	for _, d := range docs {
		d.Date = ""
	}
	if a, err := p.Ask(context.Background(), answer.Request{Question: "When was the article written?"}, nil); err != nil || !a.Refused || a.Text != answer.MsgNoDates {
		t.Errorf("no dated document: %+v, %v", a, err)
	}
}

// TestDocumentSources: "What are your sources?" and "Is this story true?"
// ("is that true tho", "is that really true?" too: they were refused) are
// answered with where the answers come from, the documents listed and
// cited; a question about the source of something in the story is not.
func TestDocumentSources(t *testing.T) {
	p := storyPipeline(t)
	for _, q := range []string{"what's your source?", "What are your sources?", "is this story true?", "is it a true story?", "Where does this come from?", "are the documents accurate?", "u sure?", "is that true tho", "is that really true?"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Refused || !strings.HasPrefix(a.Text, "I answer only from the documents") ||
			!strings.HasSuffix(a.Text, "“Albania cuts ties with Iran”, dated 2022-09-07. [1]") || len(a.Citations) != 1 {
			t.Errorf("%q: %+v, %v", q, a, err)
		}
	}
	for _, q := range []string{"What is the source of the attack?", "Is the MEK violent?"} {
		if a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil); err != nil || strings.HasPrefix(a.Text, "I answer only") {
			t.Errorf("%q is about the story: %+v, %v", q, a, err)
		}
	}
}

// TestDocumentAuthor: "Who wrote this?" is answered by the author a
// document's opening names ("By Jane Doe"), cited, or by that none does;
// a question about who wrote something in the story is asked as any.
func TestDocumentAuthor(t *testing.T) {
	byline := dirPipeline(t, "testdata/byline")
	ix := story(t)
	news := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	nan := indexText(t, "paper.txt", "A Paper\n\nAuthors: nan\nDate: 2016-06-28\n\nText: The committee met twice.\n") // a table's empty cell
	paper := answer.New(answer.Options{Retriever: nan, Documents: nan.Docs})
	for _, c := range []struct {
		p       *answer.Pipeline
		q, want string
		refused bool
	}{
		{byline, "who wrote this story?", "“The Fox” is by Jane Doe. [1]", false},
		{byline, "Who is the author?", "“The Fox” is by Jane Doe. [1]", false},
		{news, "who wrote the article", answer.MsgNoAuthor, true},
		{news, "author?", answer.MsgNoAuthor, true},
		{paper, "who wrote it?", answer.MsgNoAuthor, true},
		{dirPipeline(t, "testdata/paper"), "who are the authors?", "“Molecular and serological investigation of 2019-nCoV infected patients: implication of multiple shedding routes” is by Wei Zhang, Rong-Hui Du, Bei Li and 8 others. [1]", false},
	} {
		a, err := c.p.Ask(context.Background(), answer.Request{Question: c.q}, nil)
		if err != nil || a.Text != c.want || a.Refused != c.refused || !c.refused && len(a.Citations) != 1 {
			t.Errorf("%q: %+v, %v; want %q", c.q, a, err, c.want)
		}
	}
	for q, p := range map[string]*answer.Pipeline{"who wrote the statement?": news, "who wrote poems?": byline, "who wrote their names on it?": byline, "what do the authors conclude?": dirPipeline(t, "testdata/paper")} {
		if a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil); err != nil || a.Text == answer.MsgNoAuthor || strings.Contains(a.Text, "is by") || strings.Contains(a.Text, "Authors:") {
			t.Errorf("%q is no question about the documents' author (nor answered by the paper's \"Authors:\" line): %+v, %v", q, a, err)
		}
	}
}

// TestPaperMetadata: a paper that opens with metadata lines (covidqa's, as
// PubMed Central exports them) is dated by its "Date:" line and authored
// by its "Authors:" list, each cited by the paragraph that holds the line;
// "what is this paper about?" quotes its abstract, not its link or hash.
func TestPaperMetadata(t *testing.T) {
	p := dirPipeline(t, "testdata/paper")
	title := "“Molecular and serological investigation of 2019-nCoV infected patients: implication of multiple shedding routes”"
	for q, want := range map[string]string{
		"who wrote this paper?":       title + " is by Wei Zhang, Rong-Hui Du, Bei Li and 8 others. [1]",
		"when was it published?":      title + " is dated 2020-02-17. [1]",
		"when was the paper written?": title + " is dated 2020-02-17. [1]",
	} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Text != want || len(a.Citations) != 1 || !strings.HasPrefix(a.Citations[0].Quote, "Authors: Zhang, Wei;") {
			t.Errorf("%q: %q %+v, %v; want %q citing the metadata lines", q, a.Text, a.Citations, err, want)
		}
	}
	a, err := p.Ask(context.Background(), answer.Request{Question: "what is this paper about?"}, nil)
	if err != nil || a.Refused || !strings.Contains(a.Text, "> Abstract: In December 2019") || strings.Contains(a.Text, "SHA:") || strings.Contains(a.Text, "https://") {
		t.Errorf("what is this paper about?: %q, %v; want its abstract", a.Text, err)
	}
}

// TestDocumentLength: "how long is the story?" is its words and
// paragraphs (it was refused); "how long is it?" only when asked first.
func TestDocumentLength(t *testing.T) {
	p := dirPipeline(t, "testdata/goats")
	for _, q := range []string{"how long is the story?", "How many words does the story have?", "how long is it?"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Text != "“The Wolf and the Seven Little Goats” is 1,043 words long, in 31 paragraphs. [1]" || len(a.Citations) != 1 {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
	history := []chat.Message{{Role: chat.RoleUser, Content: "what did the wolf eat?"}, {Role: chat.RoleAssistant, Content: "…"}}
	if a, err := p.Ask(context.Background(), answer.Request{Question: "how long is it?", History: history}, nil); err != nil || strings.Contains(a.Text, "words long") {
		t.Errorf("how long is it? as a follow-up asks of what came before: %q, %v", a.Text, err)
	}
}
