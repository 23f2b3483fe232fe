package answer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/cite"
	"storybot/internal/eval"
	"storybot/internal/knowledge"
	"storybot/internal/search"
	"storybot/internal/spell"
	"storybot/internal/textan"
	"storybot/internal/usererr"
)

// condenseCalls counts the model calls that rendered the condense prompt.
func condenseCalls(m *fakeModel) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.calls {
		if isCondense(r) {
			n++
		}
	}
	return n
}

// storyHistory is a conversation about the cyberattack.
var storyHistory = []chat.Message{
	{Role: chat.RoleUser, Content: "Who helped Albania recover from the attack?"},
	{Role: chat.RoleAssistant, Content: "The US and private sector representatives helped [1]."},
}

// TestStandaloneQuestionWithHistoryIsNotCondensed: with a conversation
// behind it, a question that names its topic is searched as it is, with no
// condense call to the model and no terms of the earlier question mixed in
// offline; a follow-up still is condensed.
func TestStandaloneQuestionWithHistoryIsNotCondensed(t *testing.T) {
	for _, online := range []bool{false, true} {
		m := replying("The MEK is an exiled opposition group [1].")
		opts := answer.Options{Retriever: &fakeRetriever{search: story(t).Search}}
		if online {
			opts.Model = m
		}
		ret := opts.Retriever.(*fakeRetriever)
		p := answer.New(opts)
		for _, q := range []string{"What is the MEK?", "When did the MEK arrive in Albania?"} {
			if _, err := p.Ask(context.Background(), answer.Request{Question: q, History: storyHistory}, nil); err != nil {
				t.Fatal(err)
			}
			if got := ret.qs[len(ret.qs)-1]; got != q {
				t.Errorf("online %v: %q searched as %q", online, q, got)
			}
		}
		if n := condenseCalls(m); n != 0 {
			t.Errorf("online %v: %d condense calls for standalone questions", online, n)
		}
		if _, err := p.Ask(context.Background(), answer.Request{Question: "and who was behind it?", History: storyHistory}, nil); err != nil {
			t.Fatal(err)
		}
		if online && condenseCalls(m) != 1 {
			t.Errorf("the follow-up was not condensed by the model: %d calls", condenseCalls(m))
		}
		if got := ret.qs[len(ret.qs)-1]; !online && !strings.Contains(got, "Albania") {
			t.Errorf("offline follow-up searched as %q", got)
		}
	}
}

// TestSmallTalk: greetings and thanks get a one-line reply saying what the
// bot can do, with no retrieval, no model call, no citations, not refused.
func TestSmallTalk(t *testing.T) {
	m := replying("x [1]")
	ret := &fakeRetriever{search: story(t).Search}
	p := answer.New(answer.Options{Retriever: ret, Model: m, About: func() string { return "“Albania cuts ties with Iran”" }})
	for _, q := range []string{"hi", "Hello!", "hey there", "thanks!", "thank you", "thx", "ok", "cool", "bye", "good morning", "👍", "<@123> thanks", "thx bot ur the best 🔥"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q, History: storyHistory}, nil)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if !a.SmallTalk || a.Refused || len(a.Citations) != 0 || a.Citations == nil || a.Warnings == nil ||
			!strings.Contains(a.Text, "“Albania cuts ties with Iran”") || strings.Contains(a.Text, "\n") {
			t.Errorf("%q: %+v", q, a)
		}
	}
	if m.n() != 0 || len(ret.qs) != 0 {
		t.Errorf("%d model calls, searched %q", m.n(), ret.qs)
	}
	a, err := answer.New(answer.Options{Retriever: ret}).Ask(context.Background(), answer.Request{Question: "hi"}, nil)
	if err != nil || !strings.HasPrefix(a.Text, "Hi! Ask me anything about the documents") {
		t.Errorf("without About: %q, %v", a.Text, err)
	}
	// asked after, it says how it is (session 28's new users got "Hi!" in
	// the middle of a conversation)
	for _, q := range []string{"how are you doing today?", "hey, how's it going?"} {
		a, err := answer.New(answer.Options{Retriever: ret}).Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || !a.SmallTalk || !strings.HasPrefix(a.Text, "I'm well, thanks for asking!") {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
}

// TestEmojiOnlyQuestion: a question of emoji (other than a thumbs-up and the
// like) or punctuation only gets a clear message.
func TestEmojiOnlyQuestion(t *testing.T) {
	p := answer.New(answer.Options{Retriever: story(t)})
	for _, q := range []string{"🤔", "🔥🔥🔥", "???", "<@123> 🤔"} {
		_, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		var um interface{ UserMessage() string }
		if !errors.As(err, &um) || !strings.Contains(um.UserMessage(), "in words") {
			t.Errorf("%q: err = %v, want a UserError asking for words", q, err)
		}
	}
}

// TestNonEnglishOffline: offline, a question in another language is told
// that offline answers understand English, without retrieval; with a model
// it is answered.
func TestNonEnglishOffline(t *testing.T) {
	ret := &fakeRetriever{search: story(t).Search}
	qs := []string{"¿Por qué Albania rompió relaciones con Irán?", "Warum hat Albanien die Beziehungen zum Iran abgebrochen?", "Pourquoi l'Albanie a-t-elle rompu ses relations avec l'Iran ?"}
	for _, q := range qs {
		a, err := answer.New(answer.Options{Retriever: ret}).Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Text != answer.MsgOfflineEnglish || !a.Refused || len(a.Citations) != 0 {
			t.Errorf("%q: %+v", q, a)
		}
	}
	if len(ret.qs) != 0 {
		t.Errorf("searched %q offline", ret.qs)
	}
	m := replying("Albania rompió relaciones por el ciberataque [1].")
	if a, err := answer.New(answer.Options{Retriever: ret, Model: m, MinCoverage: -1}).Ask(context.Background(), answer.Request{Question: qs[0]}, nil); err != nil || a.Text == answer.MsgOfflineEnglish || m.n() != 1 {
		t.Errorf("with a model: %+v, %v, %d calls", a, err, m.n())
	}
}

// TestWritingOffline: offline, a request to write a text of its own (a
// quiz, a poem) is told that only quotes are given, without retrieval
// (session 26's "Write a short multiple choice question with four
// options." was refused as not covered); a headline is a summary; with a
// model the request is answered.
func TestWritingOffline(t *testing.T) {
	ret := &fakeRetriever{search: story(t).Search}
	qs := []string{"Write a short multiple choice question with four options.", "make a quiz about this story", "can you write a poem about albania"}
	for _, q := range qs {
		a, err := answer.New(answer.Options{Retriever: ret}).Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Text != answer.MsgOfflineWriting || !a.Refused || len(a.Citations) != 0 {
			t.Errorf("%q: %+v, %v", q, a, err)
		}
	}
	if len(ret.qs) != 0 {
		t.Errorf("searched %q offline", ret.qs)
	}
	for _, q := range []string{"what did the hackers write?", "Write a headline for it"} {
		if a, _ := answer.New(answer.Options{Retriever: ret}).Ask(context.Background(), answer.Request{Question: q}, nil); a.Text == answer.MsgOfflineWriting {
			t.Errorf("%q is no request to write", q)
		}
	}
	m := replying("Q: Which country cut ties? A) Albania [1]")
	if a, err := answer.New(answer.Options{Retriever: ret, Model: m, MinCoverage: -1}).Ask(context.Background(), answer.Request{Question: qs[0]}, nil); err != nil || a.Text == answer.MsgOfflineWriting || m.n() != 1 {
		t.Errorf("with a model: %+v, %v, %d calls", a, err, m.n())
	}
}

// TestPronounTakesTheQuoteOpening: "who did it?" after "what happened?"
// takes the opening of the answer's first quote, where it names what it is
// about, not its last words: the lede's "Iran’s July cyberattack", not
// "Teheran".
func TestPronounTakesTheQuoteOpening(t *testing.T) {
	hist := []chat.Message{
		{Role: chat.RoleUser, Content: "what happened?"},
		{Role: chat.RoleAssistant, Content: "Quoted from the sources:\n> Iran’s July cyberattack on Albania proved to be the final straw prompting Tirana to sever its diplomatic relations with Teheran on Wednesday after years of political animosity. [1]"},
	}
	got := answer.CondenseOffline(textan.English(), "who did it?", hist)
	if !strings.Contains(got, "July") || !strings.Contains(got, "Albania") || strings.Contains(got, "Teheran") {
		t.Errorf("CondenseOffline(who did it?) = %q, want the quote's opening only", got)
	}
}

// TestPronounFirstOfAReport: "who did it?" asked first of one dated report
// is asked of what its lede says happened, as after "what happened?" (it
// was "That question names nothing I can look up"); of a tale it is not.
func TestPronounFirstOfAReport(t *testing.T) {
	p := storyPipeline(t)
	for _, q := range []string{"who did it?", "ngl who did it"} {
		if a := ask(t, p, q); a.Refused || !strings.Contains(eval.Lead(a.Text), "Iran’s July cyberattack") {
			t.Errorf("%q: %q", q, a.Text)
		}
	}
	if _, err := dirPipeline(t, "testdata/pancake").Ask(context.Background(), answer.Request{Question: "who did it?"}, nil); err == nil || err.Error() != answer.MsgNoTopic {
		t.Errorf("of a tale: %v", err)
	}
}

// TestFollowUpOfAFollowUp: offline, a follow-up of a follow-up takes the
// context of the question the first one followed.
func TestFollowUpOfAFollowUp(t *testing.T) {
	an := textan.English()
	hist := []chat.Message{
		{Role: chat.RoleUser, Content: "When did the MEK arrive in Albania?"}, {Role: chat.RoleAssistant, Content: "…"},
		{Role: chat.RoleUser, Content: "and how many came?"}, {Role: chat.RoleAssistant, Content: "…"},
	}
	got := answer.CondenseOffline(an, "why?", hist)
	for _, w := range []string{"MEK", "Albania"} {
		if !strings.Contains(got, w) {
			t.Errorf("CondenseOffline(why?) = %q, want %q from two questions back", got, w)
		}
	}
	// The frame of a what-does-it-stand-for question is not its topic: "stand"
	// searched found "The MEK would not stand with arms folded".
	define := []chat.Message{{Role: chat.RoleUser, Content: "what does mek stand for"}, {Role: chat.RoleAssistant, Content: "…"}}
	if got := answer.CondenseOffline(an, "where are they based", define); got != "where are they based mek" {
		t.Errorf("CondenseOffline(where are they based) = %q, want the MEK without stand", got)
	}
	// A question about the present takes no date of the question before.
	past := []chat.Message{{Role: chat.RoleUser, Content: "what happened to the MEK in 1981?"}, {Role: chat.RoleAssistant, Content: "…"}}
	if got := answer.CondenseOffline(an, "what do they want today?", past); !strings.Contains(got, "MEK") || strings.Contains(got, "1981") {
		t.Errorf("CondenseOffline(what do they want today?) = %q, want the MEK without 1981", got)
	}
	// A follow-up with a topic of its own passes on only the names of its
	// context: after "how many died?", "where are they now?" takes "MEK"
	// but not the 1981 of the question before.
	var thread []chat.Message
	for _, q := range []string{"What is the MEK?", "what happened to them in 1981?", "how many died?"} {
		thread = append(thread, chat.Message{Role: chat.RoleUser, Content: q}, chat.Message{Role: chat.RoleAssistant, Content: "…"})
	}
	if got := answer.CondenseOffline(an, "where are they now?", thread); !strings.Contains(got, "MEK") || strings.Contains(got, "1981") {
		t.Errorf("CondenseOffline(where are they now?) = %q, want MEK without 1981", got)
	}
}

// TestWhatKindAndWho: "what kind of animal is ginger?" leads with the
// sentence that says what Ginger was ("Ginger was a yellow tom-cat"; it
// led with the shop), and "and pickles?" asks it of Pickles (it asked
// "what kind of pickles is ginger?"); the "she" after "who runs the other
// shop?" is the one the answer named, Tabitha Twitchit ("does she give
// credit?" led with "Ginger and Pickles gave unlimited credit"), and the
// "he" after "who announced it?" is the speaker the answer named, not
// whom his quotation names (it was "Republic", of "the Islamic Republic
// of Iran"), nor his title.
func TestWhatKindAndWho(t *testing.T) {
	ctx := context.Background()
	for _, convo := range [][][2]string{
		{{"testdata/ginger", ""}, {"what kind of animal is ginger?", "tom-cat"}, {"and pickles?", "terrier"}},
		{{"testdata/ginger", ""}, {"who runs the other shop in the village?", "Tabitha Twitchit"}, {"does she give credit?", "refuse to give credit"}},
		{{"testdata/knowledge", ""}, {"What happened between Albania and Iran?", ""}, {"who announced it", "Edi Rama declared"}, {"why did he say the response was justified?", "fully proportional"}},
	} {
		p := dirPipeline(t, convo[0][0])
		var history []chat.Message
		for _, c := range convo[1:] {
			a, err := p.Ask(ctx, answer.Request{Question: c[0], History: history}, nil)
			if err != nil || !strings.Contains(eval.Lead(a.Text), c[1]) {
				t.Errorf("%q: %q (%v), want it to lead with %q", c[0], eval.Lead(a.Text), err, c[1])
			}
			history = append(history, chat.Message{Role: chat.RoleUser, Content: c[0]}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
		}
	}
}

// TestPronounStandsForThePerson: offline, the "she" of a follow-up is
// the person the question before named, put in its place, as a model
// would write it: "is she dead?" after "why does grandmother cry?" leads
// with "Grandmother is dead now." (it quoted "The dead know more than we
// do who are living"); the "she" after "who found him?" is the answer,
// not him.
func TestPronounStandsForThePerson(t *testing.T) {
	ix := indexDir(t, "testdata/grandmother")
	p := botPipeline(ix)
	ctx := context.Background()
	var history []chat.Message
	for _, c := range []struct{ q, lead string }{
		{"why does grandmother cry?", ""},
		{"is she dead?", "Grandmother is dead now."},
		{"how did she die?", "Grandmother is dead now."},
	} {
		a, err := p.Ask(ctx, answer.Request{Question: c.q, History: history}, nil)
		if err != nil || !strings.HasPrefix(eval.Lead(a.Text), c.lead) {
			t.Errorf("%q: %q (%v), want it to lead with %q", c.q, eval.Lead(a.Text), err, c.lead)
		}
		history = append(history, chat.Message{Role: chat.RoleUser, Content: c.q}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
	}
	an := textan.English()
	for _, c := range []struct{ before, q, want string }{
		{"why does grandmother cry?", "is she dead?", "is grandmother dead?"}, // a topic of its own: about her
		{"What did the old woman give Jack?", "why did she do it?", "why did the old woman do it? give Jack"},
		{"What did the king's daughter say?", "where did she go?", "where did the king's daughter go? say"},
		{"Who is Edi Rama?", "what did he say?", "what did Edi Rama say?"},
		{"who found him?", "what did she do?", "what did she do? found"},                                // she is the answer
		{"why does grandmother cry?", "what did he give her?", "what did he give her? grandmother cry"}, // two people
		{"why does grandmother cry?", "what was in her book?", "what was in her book? grandmother cry"}, // no subject
		{"Why did Iran attack Albania?", "what did it do?", "what did it do? Iran attack Albania"},      // no person
		{"where did the children go?", "what did she find?", "what did she find? children go"},          // more than one
		{"what is Hemgard?", "was he scared?", "was he scared? Hemgard"},                                // a thing
		// "and Barbaik?", "what about the queen?" ask the question before
		// about someone else: its subject swapped, not its words added
		// ("and barbaik? happened Jegu end" quoted Jegu's end again)
		{"what happened to Jegu in the end?", "and barbaik?", "what happened to barbaik in the end?"},                                                                            // a name for a name
		{"Who is Edi Rama?", "what about Khomeini?", "Who is Khomeini?"},                                                                                                         // who is
		{"what did Iran do?", "and the US?", "what did the US do?"},                                                                                                              // a place, no person
		{"why did the king cry?", "and the queen?", "why did the queen cry?"},                                                                                                    // a person by a noun
		{"what armor did he get the first time?", "and the third?", "what armor did he get the third time?"},                                                                     // another round: its ordinal swapped
		{"what was attacking the lions", "what about the doves", "what was attacking the doves"}, {"who was attacking the lions", "and the king?", "who was attacking the king"}, // many, by a noun; "attacking" is no one
		{"what rooms wasnt the girl allowed in", "what came out of the first one", "what came out of the first room girl allowed"}, {"which rooms were locked?", "which one of the keys fits", "which one of the keys fits"}, {"what was in the two bottles", "and the other one?", "and the other one? two bottles"}, {"what did he say about the attack?", "when was it?", "when was it? the attack"}, // "it" is what was asked about; "one" of many named before; "the other one" may be another word's ("flask")
		{"what kind of animal is ginger?", "and pickles?", "what kind of animal is pickles?"}, // whom it asks of, not the kind it asks
		{"what did Iran do?", "and then?", "and then? Iran"},                                  // no one named
		{"what did Iran do?", "and why?", "and why? Iran"},                                    // no one named
	} {
		history := []chat.Message{{Role: chat.RoleUser, Content: c.before}, {Role: chat.RoleAssistant, Content: "…"}}
		if got := answer.CondenseOffline(an, c.q, history); got != c.want {
			t.Errorf("CondenseOffline(%q) after %q = %q, want %q", c.q, c.before, got, c.want)
		}
	}
	// a question refused said nothing "that" can stand for: the one before it did
	refused := []chat.Message{{Role: chat.RoleUser, Content: "why did albania cut ties?"}, {Role: chat.RoleAssistant, Content: "…"},
		{Role: chat.RoleUser, Content: "what's the capital of albania?"}, {Role: chat.RoleAssistant, Content: answer.NotCoveredText + "\nThey are mostly about Iran."}}
	for n, want := range map[int]string{4: "how did they do that? albania cut ties", 2: "how did they do that? capital albania"} { // with no answer before it, its words still say whom "they" are
		if got := answer.CondenseOffline(an, "how did they do that?", refused[4-n:]); got != want {
			t.Errorf("CondenseOffline after a refusal, %d messages = %q, want %q", n, got, want)
		}
	}
	user := func(q string) chat.Message { return chat.Message{Role: chat.RoleUser, Content: q} }
	said := func(a string) chat.Message { return chat.Message{Role: chat.RoleAssistant, Content: a} }
	for _, c := range []struct {
		why     string
		history []chat.Message
		q, want string
	}{
		// a question refused after one answered hands on only its names:
		// its other words found nothing ("what do they want now?" searched
		// for "use violence" too, and was refused)
		{"after a refusal", []chat.Message{user("who was Banisadr?"), said("…"), user("did the MEK use violence?"), said(answer.NotCoveredText)}, "what do they want now?", "what do they want now? MEK"},
		// "him" of the question before stood for Laotsze, named first
		// there: so does the "he" after it, not "the old child" it asks
		// about; "she" is someone else, the first person it names
		{"after Laotsze and him", []chat.Message{user("who is Laotsze?"), said("…"), user("why do they call him the old child?"), said("…")}, "what did he ride on?", "what did Laotsze ride on?"},
		{"after Laotsze and him", []chat.Message{user("who is Laotsze?"), said("…"), user("why do they call him the old child?"), said("…")}, "what did she ride on?", "what did the old child ride on?"},
		// "he" after "who is the main character?" is the one the answer
		// named, not "the main character" again (it asked the overview
		// once more)
		{"after the main character", []chat.Message{user("who is the main character?"), said("Quoted from the sources:\n> The second knight, Watanabe, answered him, saying: \"Do not talk such nonsense!\" [1]")}, "why did he go there?", "why did he go there? Watanabe"},
		// "it" of the question before, a topic of its own, stood for what
		// that question took from the one before it: so does the "it"
		// after it ("who announced it?" was asked alone, and refused)
		{"after it and it", []chat.Message{user("so albania kicked iran out?"), said("…"), user("what date did they announce it?"), said("…")}, "who announced it?", "who announced it? albania kicked iran"},
		{"after it and it", []chat.Message{user("so albania kicked iran out?"), said("…"), user("what date did they announce it?"), said("…")}, "who announced the cut?", "who announced the cut?"},
	} {
		if got := answer.CondenseOffline(an, c.q, c.history); got != c.want {
			t.Errorf("CondenseOffline(%q) %s = %q, want %q", c.q, c.why, got, c.want)
		}
	}
}

// TestFollowUpPointsAtTheAnswer: offline, "who said that?" after an answer
// takes the words of the sentence it quoted, so the answer is the sentence
// that says who said it, not another sentence with "said" in it; so does
// "who made that statement?".
func TestFollowUpPointsAtTheAnswer(t *testing.T) {
	p := answer.New(answer.Options{Retriever: story(t)})
	ctx := context.Background()
	first, err := p.Ask(ctx, answer.Request{Question: "What did the US call the attack?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.Text, "unprecedented") {
		t.Fatalf("first answer: %q", first.Text)
	}
	hist := []chat.Message{
		{Role: chat.RoleUser, Content: "What did the US call the attack?"},
		{Role: chat.RoleAssistant, Content: first.Text},
	}
	a, err := p.Ask(ctx, answer.Request{Question: "who said that?", History: hist}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lead, _, _ := strings.Cut(strings.TrimPrefix(a.Text, "Quoted from the sources:\n"), "\n")
	if !strings.Contains(lead, "The US called the attack unprecedented") {
		t.Errorf("who said that? should lead with the quoted sentence, which names the US: %q", a.Text)
	}
	// A follow-up about a person ("they") takes the question's words only.
	if got := answer.CondenseOffline(textan.New(), "and what did they do?", hist); strings.Contains(got, "unprecedented") {
		t.Errorf("a follow-up with they took the answer's words: %q", got)
	}
	// "that statement" is the one the answer quoted (it led with "the
	// statement further read", which names no one)
	_, hist = askedBefore(t, p, "will the us do anything to iran?", "")
	if a, err := p.Ask(ctx, answer.Request{Question: "who made that statement?", History: hist}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "the White House National Security Council said") {
		t.Errorf("who made that statement?: %q, %v", a.Text, err)
	}
}

// TestTimelineQuestion: asking for the timeline, or the dates, is
// TimelineAsked (the adapters show it; its message points to /timeline); a
// question about the timeline of something is answered from the passages.
func TestTimelineQuestion(t *testing.T) {
	p := answer.New(answer.Options{Retriever: story(t)})
	for _, q := range []string{"give me the timeline", "Show me the chronology of events", "timeline?", "list the dates", "what are the key dates?",
		"give me a 3 bullet timeline I can read on air", "Give me a timeline of events from the attack to the expulsion."} { // session 26's: refused for "air" and "expulsion"
		_, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		if msg, _ := usererr.Message(err); !errors.As(err, &answer.TimelineAsked{}) || msg != answer.MsgTimeline {
			t.Errorf("%q: %v, want the pointer to /timeline", q, err)
		}
	}
	if a, err := p.Ask(context.Background(), answer.Request{Question: "What is the timeline of the MEK?"}, nil); err != nil || a.Refused {
		t.Errorf("a question about the timeline of the MEK: %+v, %v", a, err)
	}
	if _, err := p.Ask(context.Background(), answer.Request{Question: "give me a timeline of the MEK"}, nil); errors.As(err, &answer.TimelineAsked{}) {
		t.Errorf("a timeline of the MEK asked for: the whole timeline")
	}
	// one event is the story's: its lede, not the timeline
	ix := story(t)
	if a, err := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs}).Ask(context.Background(), answer.Request{Question: "what is the main event?"}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "final straw") {
		t.Errorf("what is the main event?: %q, %v", a.Text, err)
	}
}

// TestSpellingCorrection: a misspelt question is answered as the words it
// misspells and says how it read them; a question in another language is
// not corrected (the model answers it in its language).
func TestSpellingCorrection(t *testing.T) {
	ix := story(t)
	p := answer.New(answer.Options{Retriever: ix, Speller: spell.New(ix.Docs())})
	a, err := p.Ask(context.Background(), answer.Request{Question: "Why did Albnia cut ties with Iarn?"}, nil)
	if err != nil || a.Refused || !strings.Contains(a.Text, "final straw") || a.SpellingNote() != "Read “Albnia” as “Albania”, “Iarn” as “Iran”." {
		t.Errorf("misspelt: %+v, %v", a, err)
	}
	m := replying("Albanien brach die Beziehungen ab [1].")
	p = answer.New(answer.Options{Retriever: ix, Speller: spell.New(ix.Docs()), Model: m, MinCoverage: -1})
	a, err = p.Ask(context.Background(), answer.Request{Question: "Warum hat Albanien die Beziehungen zum Iran abgebrochen?"}, nil)
	if err != nil || len(a.Spelling) != 0 {
		t.Errorf("German: %+v, %v", a, err)
	}
}

// TestCompoundQuestion: offline, a message of two or three questions gets
// an answer to each, headed by its question, its citations numbered through
// and every marker naming one; a message whose questions are all out of
// scope is refused; one question with many question marks is one question.
func TestCompoundQuestion(t *testing.T) {
	p := answer.New(answer.Options{Retriever: story(t)})
	ask := func(q string) answer.Answer {
		t.Helper()
		a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return a
	}
	a := ask("who is edi rama? also when was the attack?")
	if a.Refused || strings.Count(a.Text, "\nOn “") != 2 || !strings.Contains(a.Text, "On “When was the attack?”:\n> In light of a weeks-long US investigation into the matter, that involved private sector partners investigating on the ground, Washington concluded that Iran was indeed behind what it dubbed as a “reckless and irresponsible” July 15 cyberattack") {
		t.Errorf("two questions: %q", a.Text)
	}
	for _, n := range cite.All(a.Text) {
		if n < 1 || n > len(a.Citations) || a.Citations[n-1].N != n {
			t.Errorf("marker [%d] names no citation of %d: %q", n, len(a.Citations), a.Text)
		}
	}
	if a := ask("Who is Edi Rama? What did he say?"); !strings.Contains(a.Text, "On “What did he say?”:\n> “This extreme response") {
		t.Errorf("a second question that points back: %q", a.Text)
	}
	if a := ask("what is the MEK? and who won the world cup?"); a.Refused || !strings.Contains(a.Text, "opposition group") || !strings.HasSuffix(a.Text, "On “Who won the world cup?”:\nI couldn't find this in the documents.") { // once, not what to try instead for each part
		t.Errorf("one in scope, one not: %+v", a)
	}
	if a := ask("who won the world cup? and the super bowl?"); !a.Refused || a.Text != answer.NotCoveredText || len(a.Citations) != 0 {
		t.Errorf("both out of scope: %+v", a)
	}
	if a := ask("why did albania cut ties with iran??? 🤔"); strings.Contains(a.Text, "On “") || !strings.Contains(a.Text, "final straw") {
		t.Errorf("one question: %q", a.Text)
	}
	m := replying("Edi Rama is the prime minister [1]; the attack was in July [2].")
	pm := answer.New(answer.Options{Retriever: story(t), Model: m})
	if a, err := pm.Ask(context.Background(), answer.Request{Question: "who is edi rama? also when was the attack?"}, nil); err != nil || m.n() != 1 || strings.Contains(a.Text, "On “") {
		t.Errorf("with a model, one call answers both: %+v, %v, %d calls", a, err, m.n())
	}
}

// TestSummaryAsked: with Options.Summaries, a request for a summary about
// something is SummaryAsked with its topic, or with the document its title
// names (the adapters show the summary); a summary of the documents
// themselves is one of the folder's one document (of the folder when it
// holds several), as long as the request asks, and so, short, is what the
// one document is about ("what is the story about?"); a part of them ("the
// first paragraph", its start or end) is an overview, and without
// Summaries the request is answered by quoting.
func TestSummaryAsked(t *testing.T) {
	ix := story(t)
	path := ix.Docs()[0].Path
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Summaries: true})
	for q, want := range map[string]*answer.SummaryAsked{
		"summarize the MEK":                                                  {Focus: "the MEK"},
		"give me a summary about the MEK":                                    {Focus: "the MEK"},
		"Can you summarise the cyberattack, please?":                         {Focus: "the cyberattack"},
		"sum up what the story says about the cyberattack":                   {Focus: "the cyberattack"},
		"What does the article say about the MEK?":                           {Focus: "the MEK"}, // it was hedged
		"what does the story say":                                            nil,
		"summary of edi rama's statement":                                    {Focus: "edi rama's statement"},
		"summarize the article in one sentence":                              {Doc: path, Length: "sentence"},
		"summary pls":                                                        {Doc: path},
		"tl;dr":                                                              {Doc: path, Length: "short"},
		"summarize in 3 points":                                              {Doc: path, Length: "short"},
		"summarize the story in detail":                                      {Doc: path, Length: "long"},
		"can you sum it up?":                                                 {Doc: path},
		"summarize":                                                          {Doc: path},
		"summarize the first paragraph":                                      nil,
		"summarize chapter 3":                                                nil,
		"what is the summary of the MEK's ideology?":                         nil,
		"what is the story about?":                                           {Doc: path, Length: "short"},
		"give me an overview":                                                {Doc: path, Length: "short"},
		"what's the plot?":                                                   {Doc: path, Length: "short"},
		"eli5":                                                               {Doc: path, Length: "short"},
		"Explain it like I'm five.":                                          {Doc: path, Length: "short"},    // session 25's new users: refused as questions about "five",
		"What's the headline-style summary?":                                 {Doc: path, Length: "sentence"}, // a "headline"
		"give me a one-line summary":                                         {Doc: path, Length: "sentence"}, // and a "line"
		"Summarize this story in one sentence.":                              {Doc: path, Length: "sentence"}, // session 26's new users: the short summary's three sentences were no answer
		"fr tho what's the beef about":                                       {Doc: path, Length: "short"},    // session 26's: refused for "beef"
		"whats the drama":                                                    {Doc: path, Length: "short"},
		"hello! what's the story here?":                                      {Doc: path, Length: "short"},    // session 27: the lede and Rama's words
		"whats the one-line version of this story?":                          {Doc: path, Length: "sentence"}, // session 26's second round: refused
		"give me the key facts":                                              {Doc: path, Length: "short"},
		"Now give me three bullet points.":                                   {Doc: path, Length: "short", Bullets: true},    // refused for "bullet points"
		"Explain it like I'm ten years old.":                                 {Doc: path, Length: "short"},                   // refused for "ten"
		"Write a headline for it in under 10 words.":                         {Doc: path, Length: "sentence"},                // taken for something told
		"summarize the MEK in 3 sentences":                                   {Focus: "the MEK", Length: "short"},            // the focus without its length: it was "the MEK in 3 sentences"
		"Summarize the US position in one sentence.":                         {Focus: "the US position", Length: "sentence"}, // session 27's new users: four sentences
		"summarize the MEK briefly":                                          {Focus: "the MEK", Length: "short"},            // the focus was "the MEK briefly"
		"summarize the MEK in bullet points":                                 {Focus: "the MEK", Bullets: true},              // a bulleted list; the focus was "the MEK in"
		"summarize the report":                                               {Doc: path},                                    // session 27's: refused for "report"
		"what's the headline in one sentence?":                               {Doc: path, Length: "sentence"},                // refused
		"Give me the key facts about the hackers.":                           {Focus: "the hackers"},                         // refused
		"key facts about the cyberattack":                                    {Focus: "the cyberattack"},                     // taken for something told
		"tell me everything about the MEK":                                   {Focus: "the MEK", Length: "long"},             // hedged
		"what do you know about edi rama?":                                   {Focus: "edi rama"},
		"Summarise both sides' positions for me":                             {Doc: path}, // session 27's third round: about "both sides' positions for me"
		"summarize the MEK for me":                                           {Focus: "the MEK"},
		"Can you summarize the story for my 4th grade class?":                {Doc: path}, // session 28's new users: a summary about "the story for my 4th grade class"
		"summarize it for a 5-year-old":                                      {Doc: path},
		"summarize the story for a lesson plan":                              {Doc: path},                     // session 28b: about "the story plan"
		"tell me the story":                                                  {Doc: path},                     // the first sentence, quoted
		"I want a summary":                                                   {Doc: path},                     // refused, as "i'd like a summary" was
		"give me that in one sentence":                                       {Doc: path, Length: "sentence"}, // after /summary (session 28c: "names nothing I can look up")
		"put it as bullet points":                                            {Doc: path, Bullets: true},
		"tell me the hole story":                                             {Doc: path},                             // a child's "hole" (session 28c: refused)
		"Can you do it as bullet points?":                                    {Doc: path, Bullets: true},              // quoted the lede
		"Summarize just the part about the MEK":                              {Focus: "the MEK"},                      // about "just the part about the MEK"
		"And a short summary of the US role":                                 {Focus: "the US role", Length: "short"}, // quoted sentences
		"i'd like a summary":                                                 {Doc: path},
		"I want a summary of the MEK":                                        {Focus: "the MEK"},
		"can u tell me the story short":                                      {Doc: path, Length: "short"},
		"tell me the whole story":                                            {Doc: path, Length: "long"}, // refused
		"what's this one about?":                                             {Doc: path, Length: "short"},
		"Give me a quick summary of the report in 3 bullet points.":          {Doc: path, Length: "short", Bullets: true},
		"hi! i have to write a summary of this article for class":            {Doc: path},
		"Hi, please explain me what is this news about?":                     {Doc: path, Length: "short"},
		"wat happend w albania n iran":                                       nil, // a question about both: see TestCleanQuestion
		"what is this paper about?":                                          {Doc: path, Length: "short"},
		"whats this story about":                                             {Doc: path, Length: "short"}, // chat's "whats" quoted the opening
		"what is albania cuts ties with iran about?":                         {Doc: path, Length: "short"}, // the one story by its title
		"what is albania about?":                                             nil,
		"what happened? in detail please":                                    {Doc: path, Length: "long"},
		"Give me the short version.":                                         {Doc: path, Length: "short"}, // a new user's words: they were refused
		"yo whats this about lol":                                            {Doc: path, Length: "short"},
		"What happened first?":                                               {Doc: path, Length: "short"},
		"can u summarize all this in like 3 sentences for my essay":          {Doc: path, Length: "short"}, // new users' words: both were refused
		"ok and the bottom line?":                                            {Doc: path, Length: "short"},
		"Summarize it in 3 sentences for my homework please.":                {Doc: path, Length: "short"}, // a blind comparison's: both were refused
		"Sum up the plot in a couple of sentences":                           {Doc: path, Length: "short"},
		"Could you give me the gist of the story in two or three sentences?": {Doc: path, Length: "short"}, // a new user's: refused for "two"
		"summarize it in 2-3 lines":                                          {Doc: path, Length: "short"},
		"how does it start?":                                                 nil,
		"where does the story take place?":                                   nil,
		"how does the story end?":                                            nil,
		"what was the plot against the MEK?":                                 nil,
	} {
		_, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		var got answer.SummaryAsked
		if asked := errors.As(err, &got); asked != (want != nil) || want != nil && got != *want {
			t.Errorf("%q: %+v (%v), want %+v", q, got, err, want)
		}
	}
	history := []chat.Message{{Role: chat.RoleUser, Content: "who are the MEK?"}, {Role: chat.RoleAssistant, Content: "An exiled opposition group [1]."}}
	if _, err := p.Ask(context.Background(), answer.Request{Question: "tl;dr pls", History: history}, nil); !errors.As(err, &answer.SummaryAsked{}) {
		t.Errorf("a summary asked after a question is the story's, as an overview is: %v", err)
	}
	if _, err := p.Ask(context.Background(), answer.Request{Question: "bottom line?", History: history}, nil); !errors.As(err, &answer.SummaryAsked{}) {
		t.Errorf("\"bottom line?\" after a question asks for the summary (it was refused for the question's words): %v", err)
	}
	bullets := []chat.Message{{Role: chat.RoleUser, Content: "Now in three bullet points."}, {Role: chat.RoleAssistant, Content: "Summary of “Albania cuts ties with Iran”: …"}}
	if _, err := p.Ask(context.Background(), answer.Request{Question: "Explain it like I'm five.", History: bullets}, nil); !errors.As(err, &answer.SummaryAsked{}) {
		t.Errorf("\"Explain it like I'm five.\" after a summary asks for one (it was refused): %v", err)
	}
	// restated, it is as long as it was (session 28's "can you do it as
	// bullet points?" after a quick summary gave the default six)
	quick := []chat.Message{{Role: chat.RoleUser, Content: "give me a quick summary"}, {Role: chat.RoleAssistant, Content: "Summary of “Albania cuts ties with Iran”:\nOne. [1] Two. [2] Three. [3]"}}
	var restated answer.SummaryAsked
	if _, err := p.Ask(context.Background(), answer.Request{Question: "can you do it as bullet points?", History: quick}, nil); !errors.As(err, &restated) || restated.Length != "short" || !restated.Bullets {
		t.Errorf("bullet points of a quick summary: %+v, %v", restated, err)
	}
	one := []chat.Message{{Role: chat.RoleUser, Content: "give me that in one sentence"}, {Role: chat.RoleAssistant, Content: "Summary of “Albania cuts ties with Iran”:\nOne. [1]"}}
	if _, err := p.Ask(context.Background(), answer.Request{Question: "can you do it as bullet points?", History: one}, nil); !errors.As(err, &restated) || restated.Length != "short" { // one bullet is no list
		t.Errorf("bullet points of a one-sentence summary: %+v, %v", restated, err)
	}
	short := []chat.Message{{Role: chat.RoleUser, Content: "Give me the short version."}, {Role: chat.RoleAssistant, Content: "Summary of “Albania cuts ties with Iran”: …"}}
	if _, err := p.Ask(context.Background(), answer.Request{Question: "What happened first?", History: short}, nil); !errors.As(err, &answer.SummaryAsked{}) {
		t.Errorf("a summary asked hands no topic on (it was refused for \"short version\"): %v", err)
	}
	author := []chat.Message{{Role: chat.RoleUser, Content: "who is the author?"}, {Role: chat.RoleAssistant, Content: answer.MsgNoAuthor}}
	for _, h := range [][]chat.Message{history, author} { // the story named is no follow-up's "it"
		for _, q := range []string{"what is this story about?", "what happened in the story?"} {
			var got answer.SummaryAsked
			if _, err := p.Ask(context.Background(), answer.Request{Question: q, History: h}, nil); !errors.As(err, &got) || got.Doc != path {
				t.Errorf("%q after %q: %+v (%v), want the story's summary", q, h[0].Content, got, err)
			}
		}
	}
	paper := indexDir(t, "testdata/paper") // a paper opens with its abstract, which says what it is about
	pp := answer.New(answer.Options{Retriever: paper, Documents: paper.Docs, Summaries: true})
	if a, err := pp.Ask(context.Background(), answer.Request{Question: "what is this paper about?"}, nil); err != nil || !strings.HasPrefix(eval.Lead(a.Text), "Abstract: In December 2019") {
		t.Errorf("a paper's gist is its abstract: %+v, %v", a, err)
	}
	two := append(ix.Docs(), &knowledge.Document{Path: "other.txt", Title: "Tale of Tom Kitten"})
	p2 := answer.New(answer.Options{Retriever: ix, Documents: func() []*knowledge.Document { return two }, Summaries: true})
	for q, want := range map[string]*answer.SummaryAsked{
		"summarize the stories":               {},
		"summarize the tom kitten story":      {Doc: "other.txt"},
		"what is tale of tom kitten about?":   {Doc: "other.txt", Length: "short"},
		"what is the tom kitten story about?": {Doc: "other.txt", Length: "short"},
		"what are the stories about?":         nil, // an opening each
		"what is the MEK about?":              nil,
	} {
		_, err := p2.Ask(context.Background(), answer.Request{Question: q}, nil)
		var got answer.SummaryAsked
		if asked := errors.As(err, &got); asked != (want != nil) || want != nil && got != *want {
			t.Errorf("two documents, %q: %+v (%v), want %+v", q, got, err, want)
		}
	}
	var doc answer.SummaryAsked
	if _, err := p.Ask(context.Background(), answer.Request{Question: "summarize the Albania cuts ties with Iran article"}, nil); !errors.As(err, &doc) || doc.Doc != ix.Docs()[0].Path || doc.Focus != "" {
		t.Errorf("a summary of a document named by its title: %+v (%v)", doc, err)
	}
	offline := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	if a, err := offline.Ask(context.Background(), answer.Request{Question: "summarize the MEK"}, nil); err != nil || a.Refused || !strings.Contains(a.Text, "MEK") {
		t.Errorf("without Summaries: %+v, %v", a, err)
	}
}

// TestOverviewLength: an overview asked for a number of points or
// sentences quotes that many of the opening (at most five); asked for
// none, two.
func TestOverviewLength(t *testing.T) {
	p := storyPipeline(t)
	for q, want := range map[string]int{
		"summarize the story in 3 points":       3,
		"summarize the article in one sentence": 1,
		"give me the gist in 4 bullet points":   4,
		"summarize it in 12 points":             5,
		"summarize the story in 50 words":       2,
		"what is the story about?":              2,
	} {
		a := ask(t, p, q)
		if got := strings.Count(a.Text, "\n> "); got != want || !strings.Contains(a.Text, "Iran’s July cyberattack on Albania") {
			t.Errorf("%q: %d quotes, want %d, the first the opening:\n%s", q, got, want, a.Text)
		}
	}
}

// TestOverviewOfMany: an overview of several documents quotes the opening
// of each of the first five and says how many more there are; of five or
// fewer, of each.
func TestOverviewOfMany(t *testing.T) {
	many := manyStories(t)
	a := ask(t, answer.New(answer.Options{Retriever: many, Documents: many.Docs}), "what are the stories about?")
	if got := strings.Count(a.Text, "\n> "); got != 5 || !strings.HasSuffix(a.Text, "\nThe knowledge holds 1 more document: /sources lists them all, and a question may name one by its title.") {
		t.Errorf("6 documents: %d quotes, want 5 and the one more named:\n%s", got, a.Text)
	}
	few := story(t)
	if a := ask(t, answer.New(answer.Options{Retriever: few, Documents: few.Docs}), "what are the stories about?"); strings.Contains(a.Text, "more document") {
		t.Errorf("one document:\n%s", a.Text)
	}
}

// manyStories indexes testdata's stories of the folders named together
// (six when none is named).
func manyStories(t *testing.T, names ...string) *search.Index {
	t.Helper()
	if len(names) == 0 {
		names = []string{"boots", "seal", "thread", "tale", "races", "bean"}
	}
	dir := t.TempDir()
	for _, name := range names {
		files, err := filepath.Glob(filepath.Join("testdata", name, "*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("testdata/%s: %v", name, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	ix := indexDir(t, dir)
	if n := len(ix.Docs()); n != len(names) {
		t.Fatalf("%d documents, want %d", n, len(names))
	}
	return ix
}

// TestCharactersByDocument: the characters of two to five documents are
// listed by document (each tale's king is its own); of more, together.
func TestCharactersByDocument(t *testing.T) {
	two := manyStories(t, "boots", "seal")
	a := ask(t, answer.New(answer.Options{Retriever: two, Documents: two.Docs}), "who are the characters?")
	for _, want := range []string{"The characters the documents mention, by document,", "\nHow Boots Befooled King: the king [1], Boots [", "\nThe Seal Catcher and the Merman: the seal catcher ["} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("two documents: want %q:\n%s", want, a.Text)
		}
	}
	six := manyStories(t)
	if a := ask(t, answer.New(answer.Options{Retriever: six, Documents: six.Docs}), "who are the characters?"); strings.Contains(a.Text, "by document") || strings.Count(a.Text, "\n") != 1 {
		t.Errorf("six documents:\n%s", a.Text)
	}
}

// TestCharacterDescribed: a name no dictionary knows is a character's
// when the story says who it is after it ("Morgiana, a clever slave-girl
// in Cassim's household", "Morgiana, who performs a dance"); session 28's
// new users got Ali Baba's characters without her.
func TestCharacterDescribed(t *testing.T) {
	a := askIn(t, "testdata/alibaba", "Who are the main characters?")
	if !strings.Contains(a.Text, "Morgiana [") || !strings.Contains(a.Text, "Ali Baba [") {
		t.Errorf("%s", a.Text)
	}
	// not a place whose name the one before it is said of: "a blacksmith
	// out o' Rathdrum, a cousin of his own"
	if a := askIn(t, "testdata/otoole", "Who are the main characters?"); strings.Contains(a.Text, "Rathdrum") || !strings.Contains(a.Text, "Saint Kavin [") {
		t.Errorf("%s", a.Text)
	}
}

// TestNamedDocumentOverview: of several documents, an overview question
// that names one by its title, or by two of its title's words in a row,
// is answered from that document's opening or closing, and a list of its
// characters from it alone; a question with a topic of its own is searched
// for as any other.
func TestNamedDocumentOverview(t *testing.T) {
	many := manyStories(t)
	p := answer.New(answer.Options{Retriever: many, Documents: many.Docs})
	for q, want := range map[string]string{
		"who is the main character in the seal catcher story?": "Once upon a time there was a man who lived not very far from John of",
		"how does the seal catcher story end?":                 "He would be a rich man for the remainder of his days.",
		"what is How Boots Befooled King about?":               "Once upon a time there was a king who was the wisest in all of the world.",
		"what did the seal catcher promise?":                   "",
		"what did the seal catcher say?":                       "", // the title's words name a character here
		"what happened to the seal catcher?":                   "",
	} {
		a := ask(t, p, q)
		switch {
		case want == "" && (strings.Contains(a.Text, "Once upon a time") || strings.Count(a.Text, "\n> ") == 0):
			t.Errorf("%q: answered as an overview:\n%s", q, a.Text)
		case want != "" && (!strings.Contains(a.Text, want) || strings.Count(a.Text, "\n> ") > 2 || a.Citations[0].Doc != a.Citations[len(a.Citations)-1].Doc):
			t.Errorf("%q: want one document's %q:\n%s", q, want, a.Text)
		}
	}
	// a list of the characters of the one it names
	if a := ask(t, p, "who are the characters in How Boots Befooled King?"); !strings.HasPrefix(a.Text, "The characters “How Boots Befooled King” mentions") || !strings.Contains(a.Text, "Boots [") || strings.Contains(a.Text, "seal catcher") {
		t.Errorf("the characters of one document:\n%s", a.Text)
	}
}

// TestHeroAsked: "who is the hero?" asks for the main character, from the
// story's opening; "the hero" of something named is a topic.
func TestHeroAsked(t *testing.T) {
	ix := indexDir(t, "testdata/seal")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for _, q := range []string{"who is the hero?", "Who is the hero of the story?"} {
		if a := ask(t, p, q); a.Refused || !strings.Contains(a.Text, "there was a man who lived") {
			t.Errorf("%q: %+v", q, a)
		}
	}
}

// TestMainCharacter: "who is the main character?" quotes the opening and,
// when the opening does not name them, first the sentence that first names
// the one the story names most (Boots, not the king of its first sentence:
// the name came second, after the opening); a story that names no one
// that often, its opening alone.
func TestMainCharacter(t *testing.T) {
	for dir, want := range map[string][]string{
		"testdata/boots": {"As for the youngest son, he was named Boots.", "Once upon a time there was a king"},
		"testdata/seal":  {"Once upon a time there was a man who lived"},
	} {
		ix := indexDir(t, dir)
		p := botPipeline(ix)
		for _, q := range []string{"who is the main character?", "who is the main guy in the story?"} { // chat's "main guy" (read "main man") too: it was hedged
			a := ask(t, p, q)
			if strings.Count(a.Text, "\n> ") != len(want) {
				t.Errorf("%s, %q: want %d quotes:\n%s", dir, q, len(want), a.Text)
				continue
			}
			for _, w := range want {
				if !strings.Contains(a.Text, w) {
					t.Errorf("%s, %q: want %q:\n%s", dir, q, w, a.Text)
				}
			}
			if !strings.Contains(eval.Lead(a.Text), want[0]) {
				t.Errorf("%s, %q: want %q first:\n%s", dir, q, want[0], a.Text)
			}
		}
	}
}

// ask asks p the question q alone, failing the test on an error.
func ask(t *testing.T, p *answer.Pipeline, q string) answer.Answer {
	t.Helper()
	a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	return a
}

// TestAboutTheDocumentsAsFollowUp: "what are these stories about?" asks
// about all the documents, and "where does it take place?", "where is it
// set?" where they are set, first or after a question about the MEK: the
// opening, not the MEK's passages (nor "what course he should set").
func TestAboutTheDocumentsAsFollowUp(t *testing.T) {
	p := storyPipeline(t)
	history := []chat.Message{{Role: chat.RoleUser, Content: "who are the MEK?"}, {Role: chat.RoleAssistant, Content: "An exiled opposition group [1]."}}
	for _, h := range [][]chat.Message{nil, history} {
		for _, q := range []string{"what are these stories about?", "where does it take place?", "where is it set?", "when does it happen?", "what year was it?"} {
			a, err := p.Ask(context.Background(), answer.Request{Question: q, History: h}, nil)
			if err != nil || !strings.HasPrefix(eval.Lead(a.Text), "Iran’s July cyberattack on Albania") {
				t.Errorf("%q after %d messages: %+v, %v", q, len(h), a, err)
			}
		}
	}
}

// TestSummaryOfTheHero: of a tale, a summary about the words of its title
// ("Summarize the story of Walter.", "summarize lasse") is the tale's: it
// was the sentences that name him, his whole journey and no end (session
// 27's new users, of Momotaro); of a report, one about a word of its title
// is still about it ("summarize Iran").
func TestSummaryOfTheHero(t *testing.T) {
	for dir, qs := range map[string][]string{
		"testdata/walter": {"Summarize the story of Walter.", "summarize brave walter"},
		"testdata/lasse":  {"summarize lasse", "give me a summary of the little lasse story"},
	} {
		ix := indexDir(t, dir)
		p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Summaries: true})
		for _, q := range qs {
			var got answer.SummaryAsked
			if _, err := p.Ask(context.Background(), answer.Request{Question: q}, nil); !errors.As(err, &got) || got.Doc != ix.Docs()[0].Path || got.Focus != "" {
				t.Errorf("%s %q: %+v (%v), want the tale's summary", dir, q, got, err)
			}
		}
	}
	ix := story(t)
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Summaries: true})
	var got answer.SummaryAsked
	if _, err := p.Ask(context.Background(), answer.Request{Question: "summarize Iran"}, nil); !errors.As(err, &got) || got.Focus != "Iran" {
		t.Errorf("summarize Iran: %+v (%v), want a summary about Iran", got, err)
	}
}
