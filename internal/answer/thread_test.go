package answer_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"storybot/internal/answer"
	"storybot/internal/chat"
	"storybot/internal/eval"
)

// TestThreadOfQuestions asks a story, offline, what a reader asks in one
// thread (testdata/thread: FairytaleQA's "Child of Mary", a Gutenberg
// story), each question after the answers before it. A question with a
// pronoun but a topic of its own ("what happened to her children?") leads
// with its own topic, not with the words of the questions two and three
// turns back, which used to pile up in the question searched.
func TestThreadOfQuestions(t *testing.T) {
	p := dirPipeline(t, "testdata/thread")
	var hist []chat.Message
	for _, c := range []struct{ q, lead string }{
		{"why could the girl not speak?", ""},
		{"why did the servant girls stop fetching water?", ""},
		{"what happened to her children?", "appeared with all three children"},
		{"why did they want to burn the queen?", "wanted to have her burned"},
	} {
		a, err := p.Ask(context.Background(), answer.Request{Question: c.q, History: hist}, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if lines := strings.Split(a.Text, "\n"); c.lead != "" && (a.Refused || len(lines) < 2 || !strings.Contains(lines[1], c.lead)) {
			t.Errorf("%q: want %q first:\n%s", c.q, c.lead, a.Text)
		}
		hist = append(hist, chat.Message{Role: chat.RoleUser, Content: c.q}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
	}
}

// TestAtTheEnd: "… at the end?" or "… in the end?" with a topic of its own
// is answered from the closing passages of the story ("Child of Mary" ends
// with the children given back), when they hold one of its words; "at the
// end of the year" is a time in the story, not its end.
func TestAtTheEnd(t *testing.T) {
	p := dirPipeline(t, "testdata/thread")
	a, err := p.Ask(context.Background(), answer.Request{Question: "what happened to the queen in the end?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "Here are your children") && !strings.Contains(a.Text, "ever after") {
		t.Errorf("want the story's end:\n%s", a.Text)
	}
	// a question about the end whose only words are light verbs is
	// answered by the end, not by a sentence that holds "get"
	a, err = p.Ask(context.Background(), answer.Request{Question: "what did she get at the end?"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Refused || !strings.Contains(a.Text, "ever after") || strings.Contains(a.Text, "to get water") {
		t.Errorf("what did she get at the end? want the last sentences:\n%s", a.Text)
	}
	// how well it ends is its end: "does the story end happily?" was
	// refused, "does it end well?" quoted a sentence with "well"
	for _, q := range []string{"does it end well?", "does the story end happily?", "is there a happy ending?"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Refused || !strings.Contains(a.Text, "ever after") {
			t.Errorf("%q: want the last sentences: %q, %v", q, a.Text, err)
		}
	}
	for q, want := range map[string]bool{
		"where did Mara go at the end?": true, "what happened to the queen in the end of the story?": true,
		"What did the prince do at the end of the seventh day?": false, "how does it end?": false,
	} {
		if got := answer.AsksAtTheEnd(q); got != want {
			t.Errorf("AsksAtTheEnd(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestMoralAsked: "what's the moral?" is answered by the story's end,
// which a fable states it in; of a tale whose end states none, the end is
// quoted after MsgNoMoral, not as its moral (each of five tales quoted its
// last lines as if they were one).
func TestMoralAsked(t *testing.T) {
	// boots ends "It is not always the silliest one that sits kicking his
	// feet in the ashes at home.": a lesson stated as a rule (maximRe); The
	// Ugly Duckling (swans) says "a good heart is never puffed up" a
	// paragraph before its last
	for dir, hedged := range map[string]bool{"testdata/fable": false, "testdata/thread": true, "testdata/goats": true, "testdata/boots": false, "testdata/swans": false} {
		a, err := dirPipeline(t, dir).Ask(context.Background(), answer.Request{Question: "what's the moral?"}, nil)
		if err != nil || a.Refused || len(a.Citations) == 0 || strings.HasPrefix(a.Text, answer.MsgNoMoral) != hedged {
			t.Errorf("%s: %q (%v), want the end, said to state no moral: %v", dir, a.Text, err, hedged)
		}
	}
	// a moral asked in words of its own that no sentence holds is the moral
	// asked (session 26's new users: each was refused)
	p, bp := dirPipeline(t, "testdata/boots"), botPipeline(indexDir(t, "testdata/boots")) // the bot's knows "boots" for a name
	for _, q := range []string{"What is the moral about pride in this story?", "What lesson should students take from the councillor's fate?", "Is the theme that goodness is rewarded?",
		"What lesson does Boots learn?", "what lesson did boots learn?", "What lesson should children learn from this story?"} { // session 27's: his adventures, for "Boots" and "learn"; sentences about children
		if a := ask(t, bp, q); a.Refused || !strings.Contains(a.Text, "kicking his feet in the ashes") {
			t.Errorf("%q: %q", q, a.Text)
		}
	}
	if a := ask(t, p, "What did Boots do to teach the councillor a lesson?"); strings.Contains(a.Text, "kicking his feet in the ashes") { // what he did, not the moral
		t.Errorf("what he did: %q", a.Text)
	}
}

// TestQuotationWithItsTag: a speech tag that ends its paragraph is quoted
// with the quotation that opens the next ("… the kids seeing this, cried
// out," said nothing), and one that ends its passage with the quotation
// that opens the next passage, cited there ("But the bride answered,"
// was all The Death of the Hen said of her).
func TestQuotationWithItsTag(t *testing.T) {
	a := askIn(t, "testdata/goats", "what did the kids cry out when they saw his black paws?")
	if !strings.Contains(eval.Lead(a.Text), `cried out, "We will not open the door; our mother has no black paws like you`) {
		t.Errorf("want the tag with its quotation: %q", a.Text)
	}
	for dir, quotation := range map[string]string{
		"testdata/hen":      `> "First go and fetch me my garland that hangs on a willow." [`,
		"testdata/hencurly": "> \u201cFirst go and fetch me my garland that hangs on a willow.\u201d [", // curly quotes
	} {
		a = askIn(t, dir, "what did the bride say?")
		tag, quote := strings.Index(a.Text, "> But the bride answered, ["), strings.Index(a.Text, quotation)
		if tag < 0 || quote < tag || !slices.ContainsFunc(a.Citations, func(c answer.Citation) bool { return strings.Contains(c.Quote, "fetch me my garland") }) {
			t.Errorf("%s: want the tag, then its quotation from the next passage, cited: %q", dir, a.Text)
		}
	}
}

// TestMoreAfterTheNearest: "tell me more" after an answer that quoted only
// the nearest sentences goes on after them; it was refused (its topic,
// taken from the question before, was not covered).
func TestMoreAfterTheNearest(t *testing.T) {
	p := dirPipeline(t, "testdata/thumbelina")
	_, history := askedBefore(t, p, "what did she do for the hurt bird", answer.MsgNearest)
	a, err := p.Ask(context.Background(), answer.Request{Question: "tell me more", History: history}, nil)
	if err != nil || a.Refused || len(a.Citations) == 0 {
		t.Errorf("tell me more: %q, %v", a.Text, err)
	}
}

// TestVillainAsked: "who is the bad guy?" quotes what the story calls
// wicked, a wretch, a foe or a witch (it was refused: the question names
// none of those words); of a story that calls no one so, it says that.
func TestVillainAsked(t *testing.T) {
	goats := dirPipeline(t, "testdata/goats")
	for _, q := range []string{"who is the bad guy?", "who's the villain", "who is the antagonist of the story?"} {
		a, err := goats.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Refused || !strings.Contains(eval.Lead(a.Text), "The wretch often disguises himself") {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
	// as the bot asks it, its speller reading chat's "guy" as the tale's
	// "man": "the bad man" is the villain too (it quoted a man met on the way)
	ix := indexDir(t, "testdata/sultan")
	spelled := botPipeline(ix)
	if a, err := spelled.Ask(context.Background(), answer.Request{Question: "whos the bad guy in this story?"}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "There is the culprit in the tree!") {
		t.Errorf("with the speller: %q, %v", a.Text, err)
	}
	// a news report blames in other words: "reckless", "aggression"
	if a, err := answer.New(answer.Options{Retriever: story(t), Documents: story(t).Docs}).Ask(context.Background(), answer.Request{Question: "who is the bad guy?"}, nil); err != nil || !strings.Contains(a.Text, "Iran") {
		t.Errorf("the story's bad guy: %q, %v", a.Text, err)
	}
	a := askIn(t, "testdata/grandmother", "who is the bad guy?")
	if !a.Refused || a.Text != answer.MsgNoVillain {
		t.Errorf("a story with no villain: %q", a.Text)
	}
	if a, err := goats.Ask(context.Background(), answer.Request{Question: "was the wolf a bad guy to the miller?"}, nil); err != nil || strings.Contains(eval.Lead(a.Text), "The wretch") {
		t.Errorf("a question with a topic of its own is no villain question: %q, %v", a.Text, err)
	}
}

// TestVillainAskedOfAModel: a model gets "who is the bad guy?" as asked,
// with the passages that call someone a wretch or a rogue.
func TestVillainAskedOfAModel(t *testing.T) {
	ix := indexDir(t, "testdata/goats")
	var prompt string
	m := &fakeModel{complete: func(_ context.Context, req chat.Request, _ func(string)) (chat.Response, error) {
		prompt = req.Messages[len(req.Messages)-1].Content
		return chat.Response{Text: "The wolf [1]."}, nil
	}}
	a, err := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Model: m}).Ask(context.Background(), answer.Request{Question: "who is the bad guy?"}, nil)
	if err != nil || a.Refused || !strings.Contains(prompt, "who is the bad guy?") || !strings.Contains(prompt, "wretch") {
		t.Errorf("answer %q (%v); prompt:\n%s", a.Text, err, prompt)
	}
}

// TestDidItWork: "did it work?" asks how what the last answer told turned
// out, which the story tells next, as after "and then?" (it quoted the
// plan again).
func TestDidItWork(t *testing.T) {
	p := dirPipeline(t, "testdata/sultan")
	_, history := askedBefore(t, p, "what was his plan?", "The dog was pleased with the plan")
	for _, q := range []string{"did it work?", "so did it work", "what came of it?", "and did they do it?"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil)
		if err != nil || !strings.Contains(eval.Lead(a.Text), "old Sultan brought it back again") {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
}

// TestFeelingAsked: how someone felt, or what they were like, is asked of
// a tale that tells it in other words: "how did the king feel?" and "was the councillor scared?"
// were refused of a tale that never says "feel" or "scared" (it says "he
// bit his lips with vexation", "he fell to trembling").
func TestFeelingAsked(t *testing.T) {
	boots := dirPipeline(t, "testdata/boots")
	for q, want := range map[string]string{
		"how did the king feel?":     "he bit his lips with vexation",
		"was the councillor scared?": "he fell to trembling",
	} {
		a, err := boots.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || strings.HasPrefix(a.Text, answer.NotCoveredText) || !strings.Contains(eval.Lead(a.Text), want) {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
	// a feeling a tale tells in another word of its family: "afraid" for
	// "worried" (it was refused)
	leads(t, "testdata/habetrot", "why was maisie worried", "She was afraid that she would be expected to spin")
	// someone's work is the noun of a trade ("wat was ali babas job" led
	// with Ali Baba forced to reveal the cave's secret, session 28)
	if a := askIn(t, "testdata/alibaba", "what was ali baba's job?"); !strings.Contains(eval.Lead(a.Text), "woodcutter") {
		t.Errorf("ali baba's job: %q", a.Text)
	}
	// "sad" of a tale that says "broken-hearted and melancholy" (session
	// 28's new users: refused)
	if a := askIn(t, "testdata/otoole", "Why was the king so sad at the beginning?"); a.Refused || strings.HasPrefix(a.Text, answer.MsgNearest) || !strings.Contains(a.Text, "his heart failed him") {
		t.Errorf("sad of the melancholy king: %q", a.Text)
	}
	// what someone was like is told by an adjective beside their name
	// (it was refused, then led with "an old tailor … Cassim's house")
	alibaba := dirPipeline(t, "testdata/alibaba")
	for _, q := range []string{"what was cassim like?", "was cassim nice?"} {
		a, err := alibaba.Ask(context.Background(), answer.Request{Question: q}, nil)
		if err != nil || a.Refused || !strings.Contains(eval.Lead(a.Text), "the greedy Cassim") {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
}

// TestSequelSaysSomethingNew: "what did he do then?" quotes nothing up to
// the last answer's lead, not even as the sentence a quoted "This boy,"
// leans on (it repeated "But Aduan had understood everything from the
// first, …" word for word).
func TestSequelSaysSomethingNew(t *testing.T) {
	p := dirPipeline(t, "testdata/rose")
	_, history := askedBefore(t, p, "what did mother hia tell him", "But Aduan had understood everything")
	a, err := p.Ask(context.Background(), answer.Request{Question: "what did he do then?", History: history}, nil)
	if err != nil || a.Refused || strings.Contains(a.Text, "But Aduan had understood everything") {
		t.Errorf("%q, %v", a.Text, err)
	}
}

// TestInTheEnd: "what happened to Jegu in the end?" leads with the last
// sentence of the tale's end that tells of him ("… Jegu, without their
// help, grew poorer and poorer, and at last died of misery"), not with the
// one of its end that names him most (the dwarfs' fete before).
func TestInTheEnd(t *testing.T) {
	leads(t, "testdata/brownie", "what happened to jegu in the end?", "at last died of misery")
	// "and Barbaik?" asks the same of her (the speller writes the names
	// typed in lower case as the tale does, as the bot's does)
	ix := indexDir(t, "testdata/brownie")
	p := botPipeline(ix)
	_, history := askedBefore(t, p, "what happened to jegu in the end?", "")
	if a, err := p.Ask(context.Background(), answer.Request{Question: "and barbaik?", History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "Barbaik was glad to find work in the market of Morlaix") {
		t.Errorf("and barbaik? %q, %v", a.Text, err)
	}
}

// TestFirstAndLast: "who did the pancake meet first?" is answered by the
// first in the text of the sentences that tell of the meeting ("first",
// which no sentence says, made it refused). A sentence that says "first"
// or "last" is the ranking's to find.
func TestFirstAndLast(t *testing.T) {
	leads(t, "testdata/pancake", "who did the pancake meet first?", "After it had rolled a while it met a man.")
}

// TestEndUp: "where did they end up?" after an answer is a follow-up about
// what it told, not a question of the story's end ("end"), which quoted
// the tale's opening.
func TestEndUp(t *testing.T) {
	if a := askAfter(t, dirPipeline(t, "testdata/sunchild"), "who took letiko home?", "where did they end up?"); strings.Contains(eval.Lead(a.Text), "Once there was a woman") {
		t.Errorf("%q", a.Text)
	}
}

// TestDoAboutIt: "what did the Sunball do about it?" is what came after the
// last answer, the nearest sentence after it that tells of the Sunball
// ("Then the Sunball made the slippers shorter."; it quoted the keyhole at
// the tale's start).
func TestDoAboutIt(t *testing.T) {
	if a := askAfter(t, dirPipeline(t, "testdata/sunchild"), "why was letiko late getting the straw?", "what did the sunball do about it?"); !strings.Contains(eval.Lead(a.Text), "Then the Sunball made the slippers shorter.") {
		t.Errorf("%q", a.Text)
	}
}

// TestSayBack: "what did Letiko say back?" after the lamia's words is the
// quotation after them, though the last answer quoted it beside them (it
// quoted the hares' "Listen, Letiko is calling"); "what did she reply?"
// again is the next reply.
func TestSayBack(t *testing.T) {
	p := dirPipeline(t, "testdata/sunchild")
	_, history := askedBefore(t, p, "what did the lamia say about her shoes", "see what beautiful shoes I have on")
	a, err := p.Ask(context.Background(), answer.Request{Question: "what did letiko say back", History: history}, nil)
	if err != nil || !strings.Contains(eval.Lead(a.Text), "my shoes are much finer than yours") {
		t.Fatalf("%q, %v", a.Text, err)
	}
	history = append(history, chat.Message{Role: chat.RoleUser, Content: "what did letiko say back"}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
	if a, err := p.Ask(context.Background(), answer.Request{Question: "what did she reply?", History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "I am in a hurry") {
		t.Errorf("%q, %v", a.Text, err)
	}
	// a reply that opens with its speech tag
	_, history = askedBefore(t, p, "why was letiko late getting the straw?", "where have you been so long")
	if a, err := p.Ask(context.Background(), answer.Request{Question: "what did she say back?", History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "She answered: 'My slippers are too big") {
		t.Errorf("%q, %v", a.Text, err)
	}
}

// TestNameAsked: "what was the mother's name?" of a tale that never names
// her says no sentence gives it before the nearest (it quoted "Will you
// take Letiko home to her mother?" as if it answered); a dog the tale
// names ("the dog Spirit-Iron", "his dog, calling out to him,
// 'Peewaubik--Spirit-Iron'") is answered.
// TestSettingPlace: "where does the story take place?" of a tale whose
// opening names no place says so before the opening (it quoted the opening
// as if it answered), and is no refusal; of one whose opening names a
// place, the opening answers.
func TestSettingPlace(t *testing.T) {
	for dir, hedged := range map[string]bool{"testdata/pancake": true, "testdata/stones": true, "testdata/bean": false, "testdata/alibaba": false} {
		for _, q := range []string{"where does the story take place?", "what country is it set in?"} {
			if a := askIn(t, dir, q); strings.HasPrefix(a.Text, answer.MsgNoPlace) != hedged || a.Refused || !strings.Contains(a.Text, "[1]") {
				t.Errorf("%s, %q: %q", dir, q, a.Text)
			}
		}
	}
}

// TestKindUnsaid: "is the MEK a terrorist group?" of a story that calls it
// an opposition group says it found no sentence that clearly answers; it
// quoted "the exiled opposition group" as if it answered. "Is the MEK an
// opposition group?" is answered. "When will diplomatic relations be
// restored?" is hedged too: it quoted "on Wednesday", a day gone by; so
// is "who is the president of Iran?", when the nearest tell of 1981.
func TestKindUnsaid(t *testing.T) {
	for q, hedged := range map[string]bool{"is the mek a terrorist group": true, "is edi rama a dictator?": true, "is the mek an opposition group?": false, "was rama the prime minister?": false,
		"When will diplomatic relations be restored?": true, "when will the US take action?": false, // a day gone by is no answer to when something will be
		"who is the current president of iran?": true, "what does the mek want today?": false, // nor what was so in 1981 to what is so now
		"who is the president of iran?": true, "who is the leader of the MEK?": true, "who is the prime minister of albania?": false} { // asked in the present too; of a sentence in a paragraph of 1981 ("Khomeini's Revolutionary Guards …")
		if a := askIn(t, "../../knowledge", q); strings.HasPrefix(a.Text, answer.MsgNearest) != hedged {
			t.Errorf("%q: %q", q, a.Text)
		}
	}
	p := dirPipeline(t, "testdata/constable") // what will be, told by a sentence the answer quotes second
	_, history := askedBefore(t, p, "why wouldnt the guest eat", "")
	if a, err := p.Ask(context.Background(), answer.Request{Question: "when will they meet again", History: history}, nil); err != nil || strings.HasPrefix(a.Text, answer.MsgNearest) || !strings.Contains(a.Text, "In two years' time") {
		t.Errorf("when will they meet again: %q, %v", a.Text, err)
	}
}

// TestWordsOverSynonyms: a sentence in the question's own words leads
// over one as high in the ranking that holds only synonyms of them ("what
// did waupee choose at the feast?" led with "he proclaimed aloud that each
// one might … select", and "Waupee chose a white hawk's feather" came
// third).
func TestWordsOverSynonyms(t *testing.T) {
	if a := askIn(t, "testdata/celestial", "what did waupee choose at the feast?"); !strings.Contains(eval.Lead(a.Text), "Waupee chose a white hawk's feather.") {
		t.Errorf("%q", a.Text)
	}
}

// TestWhomAsked: "who is the daughter married to?" asks whom she married,
// not who the daughter is, whom no one sentence both names and says she
// married (it was refused; The Dangerous Reward says "She is married to
// the river-god").
func TestWhomAsked(t *testing.T) {
	if a := askIn(t, "testdata/reward", "who is the daughter married to?"); a.Refused || !strings.Contains(a.Text, "She is married to the river-god") {
		t.Errorf("%q", a.Text)
	}
}

func TestNameAsked(t *testing.T) {
	for _, c := range [][2]string{{"sunchild", "what was the mothers name?"}, {"sunchild", "what was the name of the mother"}, {"sunchild", "what was the mother called?"}, {"sunchild", "whats the mother called"},
		{"moti", "what was the name of the king?"},                                                                             // not "to the king's astonishment Moti chose …"
		{"snare", "whats the sisters name"},                                                                                    // not "-"My sister, are we really alone …": "My" is no name
		{"alibaba", "what was the name of ali baba's horse?"}, {"seed", "What is the name of the camp where the MEK lives?"}} { // two words before the noun (session 28's new users: Ali Baba's sentences, unhedged)
		if a := askIn(t, "testdata/"+c[0], c[1]); !strings.HasPrefix(a.Text, answer.MsgNoName) {
			t.Errorf("%q: %q", c[1], a.Text)
		}
	}
	for _, q := range []string{"what was the name of his dog?", "what was the dog called?", "whats the dogs name"} {
		if a := askIn(t, "testdata/toad", q); a.Refused || !strings.Contains(a.Text, "Spirit-Iron") {
			t.Errorf("%q: %q", q, a.Text)
		}
	}
}

// TestAgeAsked: "how old is X?" is answered by an age ("six years old"),
// not by any number: of a tale that gives Ali Baba none it quoted "forty
// thieves" and "an old tailor" as if they answered; now it says it found no
// number.
func TestAgeAsked(t *testing.T) {
	a := askIn(t, "testdata/alibaba", "how old is ali baba?")
	if !strings.HasPrefix(a.Text, answer.MsgNoCount) {
		t.Errorf("an age the tale does not give: %q", a.Text)
	}
	leads(t, "testdata/walter", "how old was Walter?", "six years old")
	// an age in words, in a sentence that names her only as "she": it led
	// third, after "I found no number"
	leads(t, "testdata/giauna", "how old was giauna", "thirteen or fourteen years of age")
}

// TestSequelAsked: a follow-up with a topic that asks what came after the
// last answer ("what did the wolf do next?") is answered from the passages
// after the last answer's lead, the nearest first (it quoted the wolf's
// chalk, long before).
func TestSequelAsked(t *testing.T) {
	p := dirPipeline(t, "testdata/goats")
	_, history := askedBefore(t, p, "how did the wolf get into the house?", "he fell asleep")
	story, err := os.ReadFile("testdata/goats/the-wolf-and-the-seven-little-goats.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(story)), " ")
	asleep := strings.Index(text, "he fell asleep")
	for _, q := range []string{"what did the wolf do next?", "and what did the wolf do after that?"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil)
		lead := strings.TrimSuffix(strings.TrimPrefix(eval.Lead(a.Text), "> "), " [1]")
		if at := strings.Index(text, lead[:min(60, len(lead))]); err != nil || a.Refused || at < asleep {
			t.Errorf("%q: led at %d, before the last answer's lead at %d: %q, %v", q, at, asleep, a.Text, err)
		}
	}
}

// TestSpeechOfAPronoun: "what did Peter say to the king?" is answered by
// the quotation a story tags with "said he" after a sentence that names
// Peter ("So Peter was shown in to the king. “Oh, look!” said he, …"); it
// quoted only sentences that name him.
func TestSpeechOfAPronoun(t *testing.T) {
	a := askIn(t, "testdata/boots", "what did peter say to the king")
	if !strings.Contains(a.Text, "yonder are three black geese") {
		t.Errorf("%q", a.Text)
	}
	// the speaker's own words, tagged "said the cat", answer without "I
	// found no sentence that clearly answers this" before them
	leads(t, "testdata/cat", "what did the cat say to everyone", "said the cat")
}

// TestReplyToASpokenQuestion: a question someone in the story asks, quoted
// first, comes with the reply after it, in its paragraph or in the next
// passage ("why was Setanta enraged?" quoted the King's "Why are you so
// enraged, my boy?" and not the boy's answer).
func TestReplyToASpokenQuestion(t *testing.T) {
	a := askIn(t, "testdata/cuchulain", "why was setanta enraged?")
	lines := strings.Split(a.Text, "\n")
	if len(lines) < 3 || !strings.Contains(lines[1], "Why are you so enraged") || !strings.Contains(lines[2], "Because they have not treated me with the respect due to a stranger") {
		t.Errorf("%q", a.Text)
	}
	// a reply that opens with its speech tag ("She answered: 'My slippers
	// are too big …'")
	a = askIn(t, "testdata/sunchild", "why was letiko late getting the straw?")
	if lines := strings.Split(a.Text, "\n"); len(lines) < 3 || !strings.Contains(lines[2], "She answered: 'My slippers are too big") {
		t.Errorf("%q", a.Text)
	}
}

// TestNextSentenceInTheNextPassage: what a story tells next is quoted after
// the lead when it opens the next passage ("he had returned to life
// again" ends one, "They questioned him and he told them: …" opens the
// next), as it is within one.
func TestNextSentenceInTheNextPassage(t *testing.T) {
	a := askIn(t, "testdata/helpinneed", "What happened the dead general after he returned to life again?")
	if lines := strings.Split(a.Text, "\n"); len(lines) < 3 || !strings.Contains(lines[1], "he had returned to life again") || !strings.Contains(lines[2], "They questioned him") {
		t.Errorf("%q", a.Text)
	}
}

// TestWhatCameOfIt: what someone did after or when something happened is
// told in the sentence after the one that tells it, which is quoted with
// it, as a fourth sentence when the ranking kept three ("He, to his
// horror, recognised his own hunting knife …" "At the sight of it he fell
// upon his face and begged for mercy."; it was left out for room).
// FairytaleQA (TestFairytaleOffline), odd / even stories: containment
// 1,713 → 1,718 / 1,817 → 1,834, first quote 1,472 → 1,477 / 1,552 →
// 1,559, 77.9 → 78.9 words an answer.
func TestWhatCameOfIt(t *testing.T) {
	a := askIn(t, "testdata/seal", "What did the seal catcher do after he saw the knife?")
	if !strings.Contains(eval.Lead(a.Text), "recognised his own hunting knife") || !strings.Contains(a.Text, "he fell upon his face and begged for mercy") {
		t.Errorf("%q", a.Text)
	}
	// what was found when something happened, too (session 28b's new
	// users got "his tomb was opened" alone; FairytaleQA +1, none lost)
	if a := askAfter(t, dirPipeline(t, "testdata/dschang"), "what did Dschang Liang eat?", "what was in his grave when they opened it?"); !strings.Contains(a.Text, "a yellow stone") {
		t.Errorf("%q", a.Text)
	}
	// but not of an "after" or "when" that opens no event (a fourth
	// sentence of nothing more was added to these)
	p := storyPipeline(t)
	for q, most := range map[string]int{"How does Albania's response compare with what other countries have done after cyberattacks?": 3} {
		if a := ask(t, p, q); strings.Count(a.Text, "\n> ") > most {
			t.Errorf("%q: more than %d quotes: %q", q, most, a.Text)
		}
	}
}

// TestWhyThat: "why did they do that?" after an answer asks the cause of
// what it led with, which leads no more ("The government has decided …
// to end diplomatic relations" led again; the cause is "Iran’s July
// cyberattack … proved to be the final straw"); "when did that happen?"
// asks its time, which the sentence before it tells ("on Wednesday"; it
// quoted the lead again).
func TestWhyThat(t *testing.T) {
	ix := story(t)
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	_, history := askedBefore(t, p, "what did albania do to iran", "The government has decided")
	for _, q := range []string{"why did they do that", "why?", "why did albania do that?"} {
		if a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "final straw") {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
	for _, q := range []string{"When did that happen?", "when?"} { // the lead tells no time; the sentence before it does
		if a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "on Wednesday") {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
	// a when-question of its own about what the last answer told: its time
	// ("in 2014", not the June 1981 protests, which a full date ranked
	// first), unless it asks of something else the story tells
	history, p = nil, botPipeline(ix) // with the speller, as the bot runs
	for _, q := range []string{"what is the MEK", "how many of them came to albania", "where do they live"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil)
		if err != nil {
			t.Fatal(err)
		}
		history = append(history, chat.Message{Role: chat.RoleUser, Content: q}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
	}
	for q, lead := range map[string]string{"when did they arrive?": "ever since 2014", "when did they protest?": "June 1981"} {
		if a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), lead) {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
	// after a summary ("what happened?" in the console, and in Discord with
	// its heading in bold), "why?" asks about its first sentence: it named
	// nothing to look up
	for _, head := range []string{"Summary of “Albania cuts ties with Iran”:", "**Summary of “Albania cuts ties with Iran”**"} {
		summary := head + "\nIran’s July cyberattack on Albania proved to be the final straw prompting Tirana to sever its diplomatic relations with Teheran on Wednesday after years of political animosity. [1] The US and private sector representatives helped Albania recover from the attack. [2]"
		history := []chat.Message{{Role: chat.RoleUser, Content: "what happened?"}, {Role: chat.RoleAssistant, Content: summary}}
		for _, q := range []string{"why?", "when"} { // a question word alone asks it of the answer: "when" said "names nothing I can look up"
			if a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), "final straw") {
				t.Errorf("%s after %q: %q, %v", q, head, a.Text, err)
			}
		}
	}
}

// TestWhatWillTheyDo: "what will they do next?" of a report asks what it
// says will come, wherever it says it: after the US's conclusion (whose
// answer quoted "The United States will take further action" second) it
// said "That is where the document ends", or quoted what follows. "What
// did they conclude?" asks their conclusion, not the report's last
// paragraphs ("how does it end?").
func TestWhatWillTheyDo(t *testing.T) {
	p := storyPipeline(t)
	_, history := askedBefore(t, p, "what did the US conclude?", "Washington concluded")
	for q, lead := range map[string]string{"What will they do next?": "will take further action", "what did they conclude?": "Washington concluded"} {
		if a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil); err != nil || !strings.Contains(eval.Lead(a.Text), lead) {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
}

// TestFollowUpSaysSomethingNew: "what happened to her?" after "what gift
// did Iris get?" asks about her, for something the last answer did not
// say: it repeated that answer word for word.
func TestFollowUpSaysSomethingNew(t *testing.T) {
	p := dirPipeline(t, "testdata/fairygifts")
	first, history := askedBefore(t, p, "what gift did iris get?", "")
	a, err := p.Ask(context.Background(), answer.Request{Question: "what happened to her?", History: history}, nil)
	if lead := eval.Lead(a.Text); err != nil || strings.Contains(first.Text, strings.TrimSuffix(strings.TrimPrefix(lead, "> "), " [1]")) || !strings.Contains(lead, "she became seriously ill") {
		t.Errorf("after %q:\n%q, %v", first.Text, a.Text, err)
	}
}

// TestHowManyOfThem: "how many of them are there?" after "what's the
// MEK?" counts what "them" stands for: any count answers ("some 3,000
// members"), and leads (it led with "The MEK claims …", which counts
// nothing); a number counts more than "several" ("how many of them came to
// albania?" led with "several planned attacks").
func TestHowManyOfThem(t *testing.T) {
	ix := story(t)
	p := botPipeline(ix)
	_, history := askedBefore(t, p, "what's the mek", "")
	for _, q := range []string{"how many of them are there", "how many of them came to albania"} {
		a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil)
		if err != nil || !strings.Contains(eval.Lead(a.Text), "3,000 members") {
			t.Errorf("%q: %q, %v", q, a.Text, err)
		}
	}
}

// TestExampleOfTheStory: a question without words is shown an example
// about the story at hand, not always the news story's "Why did Albania cut
// ties with Iran?".
func TestExampleOfTheStory(t *testing.T) {
	_, err := dirPipeline(t, "testdata/boots").Ask(context.Background(), answer.Request{Question: "???"}, nil)
	var ue *answer.UserError
	if !errors.As(err, &ue) || !strings.HasSuffix(ue.Msg, "for example: Who is Boots?") {
		t.Errorf("want an example about Boots: %v", err)
	}
}

// TestWhatWereThey: "what were they?" after an answer that told of things
// unnamed ("a whole flock of beautiful great birds") is answered by what
// the story says next ("They were swans"); it quoted the flight again.
func TestWhatWereThey(t *testing.T) {
	p := dirPipeline(t, "testdata/swans")
	_, history := askedBefore(t, p, "what did the duckling see one evening in autumn", "a whole flock of beautiful great birds")
	if a, err := p.Ask(context.Background(), answer.Request{Question: "what were they", History: history}, nil); err != nil || !strings.Contains(a.Text, "They were swans") {
		t.Errorf("%q, %v", a.Text, err)
	}
}

// askedBefore asks p q, the question before the one a test asks, and
// returns its answer and the conversation so far; it stops the test
// unless the answer holds holds (when holds is "", unless it answers).
func askedBefore(t *testing.T, p *answer.Pipeline, q, holds string) (answer.Answer, []chat.Message) {
	t.Helper()
	first, err := p.Ask(context.Background(), answer.Request{Question: q}, nil)
	if err != nil || holds == "" && first.Refused || !strings.Contains(first.Text, holds) {
		t.Fatalf("the question before, %q: %q, %v", q, first.Text, err)
	}
	return first, []chat.Message{{Role: chat.RoleUser, Content: q}, {Role: chat.RoleAssistant, Content: first.Text}}
}

// askAfter asks p q after the question before (askedBefore, which must be
// answered) and returns the answer; it stops the test on an error.
func askAfter(t *testing.T, p *answer.Pipeline, before, q string) answer.Answer {
	t.Helper()
	_, history := askedBefore(t, p, before, "")
	a, err := p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil)
	if err != nil {
		t.Fatalf("%q after %q: %v", q, before, err)
	}
	return a
}

// askIn asks the story in the testdata folder dir q, with no conversation
// before, and returns the answer; it stops the test on an error.
func askIn(t *testing.T, dir, q string) answer.Answer {
	t.Helper()
	a, err := dirPipeline(t, dir).Ask(context.Background(), answer.Request{Question: q}, nil)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	return a
}

// leads asks the story in the testdata folder dir q and fails the test
// unless the answer's first quote holds want.
func leads(t *testing.T, dir, q, want string) {
	t.Helper()
	if a := askIn(t, dir, q); a.Refused || !strings.Contains(eval.Lead(a.Text), want) {
		t.Errorf("%q: want %q first, got %q", q, want, a.Text)
	}
}

// TestCountedOnce: "He had three daughters" is said once, in a long
// opening that ranks below the passages naming "the king's daughters"
// again and again; a how-many question of them leads with it.
func TestCountedOnce(t *testing.T) {
	if a := askIn(t, "testdata/lamedog", "How many daughters did the king have?"); !strings.Contains(eval.Lead(a.Text), "He had three daughters") {
		t.Errorf("%q", a.Text)
	}
}

// TestPreamble: a message that tells something before its one question is
// answered as that question, of what it told (each was refused: a greeting,
// "Germany" or "kid" is no word of the story), or as the question it
// reports, or as the claim it asks to check.
func TestPreamble(t *testing.T) {
	ix := story(t)
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for q, want := range map[string]string{
		"Good morning. I'm afraid I've never heard of this Mujahideen group. Who are they?": "exiled opposition group",
		"My 12 year old asked me what this news is about, can you explain it simply?":       "final straw", // refused (session 28c)
		"who is edi rama? thanks": "Edi Rama", // thanks after the question (session 28b: "how does it end? thanks" was refused)
		"My kid asked me why Albania and Iran stopped talking. What do I tell her?":                            "final straw",
		"The article says the MEK did bombings. Is that true?":                                                 "bombings and assassinations",
		"I'm writing an essay on Iran. When did Albania cut ties?":                                             "on Wednesday",
		"I'm Albanian living in Germany, my cousin said Tirana cut relations with the Iranians. Is that true?": "sever its diplomatic relations",
		"I'm writing an essay on the MEK. Who are they?":                                                       "exiled opposition group", // the told topic is "they": it led with the MEK's ideology
		"ok so i'm writing an essay, who is edi rama?":                                                         "Prime Minister Edi Rama", // a comma before the question (session 27)
		"After the attack, what did Albania do?":                                                               "sever its diplomatic relations",
	} {
		wantAnswer(t, p, q, want, false)
	}
	ps := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs, Summaries: true})
	for _, q := range []string{
		"hi i need to write a paragraph about albania and iran for social studies. can you summarize what happened?", // a new user's: refused for "paragraph" and "social studies"
		"hey, doing a quick radio bit on this, what's the headline in one sentence?",                                 // session 27's: refused
	} {
		if _, err := ps.Ask(context.Background(), answer.Request{Question: q}, nil); !errors.As(err, &answer.SummaryAsked{}) {
			t.Errorf("%q: %v, want the summary", q, err)
		}
	}
}

// TestToldOnly: a message that tells something and asks nothing the
// documents hold is context, answered with an invitation to ask, not "I
// couldn't find this"; one that asks is still refused.
func TestToldOnly(t *testing.T) {
	p := storyPipeline(t)
	told := "I'm preparing a short briefing for my book club, we're reading about the Middle East and someone brought up Albania and Iran. I haven't read the article yet." // a new user's
	if a := ask(t, p, told); a.Refused || !a.SmallTalk || !strings.Contains(a.Text, "What would you like to know?") {
		t.Errorf("%q: %+v", told, a)
	}
	// what the user wants to do with it is told too (session 28b's new
	// users: refused as a question)
	for _, q := range []string{"hi, I'm a high school teacher and want to use this article for a class discussion tomorrow", "I'm a teacher and I want to use this article in class"} {
		if a := ask(t, p, q); a.Refused || !a.SmallTalk {
			t.Errorf("%q: %+v", q, a)
		}
	}
	for _, q := range []string{"I'm reading up on this for my book club.", "we are new here"} { // after a question, the first was answered with "the statement further read"
		if a := askAfter(t, p, "what did the US say?", q); a.Refused || !a.SmallTalk {
			t.Errorf("%q after a question: %+v", q, a)
		}
	}
	for _, q := range []string{"The MEK did bombings.", "I heard the MEK did bombings."} {
		if a := ask(t, p, q); a.SmallTalk || !strings.Contains(a.Text, "bombings and assassinations") {
			t.Errorf("%q, a claim of the world, is looked up: %q", q, a.Text)
		}
	}
	for _, q := range []string{"I want to know about the capital of France", "the capital of France?", "tell me about the capital of France"} {
		if a := ask(t, p, q); !a.Refused {
			t.Errorf("%q asks: %q, want refused", q, a.Text)
		}
	}
	// a child's question with no question mark and its question word spelt
	// as chat spells it asks, and so does a request to compare: not found,
	// they are refused, not met with "Thanks for the context"
	for _, q := range []string{"wat happend to the muny", "Compare Cinderella and her stepmother."} {
		if a := ask(t, p, q); !a.Refused || a.SmallTalk {
			t.Errorf("%q: %+v", q, a)
		}
	}
}

// TestSequelOfItsTopic: "was there data leaking afterwards?" after the
// report's ¶9 asks whether something came after; the report told it just
// before (¶8), so the answer is not only what comes after the last one's
// lead (it was "That is all I can quote about it").
func TestSequelOfItsTopic(t *testing.T) {
	p := storyPipeline(t)
	if a := askAfter(t, p, "Why does the US consider it unprecedented?", "Was there data exfiltration and leaking afterwards?"); a.Refused || !strings.Contains(a.Text, "hack and leak operations") {
		t.Errorf("%q", a.Text)
	}
}

// TestActOfTheVerb: "recovery" is the act of the report's "recover"
// (textan's derived nouns): the question was refused.
func TestActOfTheVerb(t *testing.T) {
	p := storyPipeline(t)
	if a := ask(t, p, "Who helped with incident response and recovery?"); a.Refused || !strings.Contains(eval.Lead(a.Text), "helped Albania recover") {
		t.Errorf("%q", a.Text)
	}
}

// TestWhenItOccurred: a when-question's "carried out" says only that it
// took place; the 1981 protests that "carried out a secret coup" led.
// "did us say" is the US's, as "the us" is.
func TestWhenItOccurred(t *testing.T) {
	p := storyPipeline(t)
	for q, want := range map[string]string{
		"On what date was the cyberattack itself carried out?": "July 15 cyberattack",
		"when did the cyberattack occur?":                      "July 15 cyberattack",
		"wat did us say abt the attack":                        "The US called",
	} {
		wantAnswer(t, p, q, want, true)
	}
}

// wantAnswer checks that p answers q, not refusing, with want in its first
// quote when first, else anywhere in the answer.
func wantAnswer(t *testing.T, p *answer.Pipeline, q, want string, first bool) {
	t.Helper()
	a := ask(t, p, q)
	text := a.Text
	if first {
		text = eval.Lead(a.Text)
	}
	if a.Refused || !strings.Contains(text, want) {
		t.Errorf("%q: %q, want %q (first: %v)", q, a.Text, want, first)
	}
}

// TestNameOfAPlace: "What was the name of the Prince's country?" of a tale
// that never names it (testdata/goldtree, from Gold-Tree and Silver-Tree)
// was quoted as if "country, Queen Silver-Tree went" named it; the name of
// a place with a clause after it ("the village where he kept sheep") is
// asked too.
func TestNameOfAPlace(t *testing.T) {
	ix := indexDir(t, "testdata/goldtree")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for _, q := range []string{"What was the name of the Prince's country?", "What was the name of the country where the Prince lived?"} {
		if a := ask(t, p, q); !strings.HasPrefix(a.Text, answer.MsgNoName) {
			t.Errorf("%q: %q, want %q", q, a.Text, answer.MsgNoName)
		}
	}
}

// TestNameOfSomeoneDescribed: the name of someone described further ("the
// Iranian ambassador to Albania") of a report that has no ambassador gets
// MsgNoName (session 27's new users got the MEK's arrival, unhedged); one
// the report names without the noun ("the prime minister of albania":
// "Prime Minister Edi Rama") is answered.
func TestNameOfSomeoneDescribed(t *testing.T) {
	p := storyPipeline(t)
	if a := ask(t, p, "What is the name of the Iranian ambassador to Albania?"); !strings.HasPrefix(a.Text, answer.MsgNoName) {
		t.Errorf("ambassador: %q, want %q", a.Text, answer.MsgNoName)
	}
	wantAnswer(t, p, "what is the name of the prime minister of albania?", "Edi Rama", true)
}

// TestNameOfOneCalledByANoun: a tale that calls its hero "the Duckling",
// a noun whose first sense in WordNet is no animal, never names him:
// "What was the duckling's name?" gets MsgNoName (session 27's new users
// got the turkey cock, unhedged); the speller knows the noun is written
// as a name.
func TestNameOfOneCalledByANoun(t *testing.T) {
	p := botPipeline(indexDir(t, "testdata/duckling"))
	for _, q := range []string{"What was the duckling's name?", "what is the name of the duckling?"} {
		if a := ask(t, p, q); !strings.HasPrefix(a.Text, answer.MsgNoName) {
			t.Errorf("%q: %q, want %q", q, a.Text, answer.MsgNoName)
		}
	}
}

// TestNamesOfMany: the names of many are asked as "names" or "what were
// they called"; a tale that never gives them gets MsgNoName (new users'
// "What were the names of the two sisters?" was quoted as if named), and
// one that names them by another noun ("three sons, who were named Peter,
// Paul and Esben" of "the three brothers") answers.
func TestNamesOfMany(t *testing.T) {
	ix := indexText(t, "hares.txt", "A WIDOW had two daughters; one was pretty and industrious, the other was ugly and lazy. The two sisters lived with her.\n\n"+
		"A farmer had three sons, who were named Peter, Paul and Esben, who was the youngest. All three hung around at home and would not work.")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for q, named := range map[string]bool{
		"What were the names of the two sisters?":   false,
		"what were the two sisters called?":         false,
		"What are the names of the three brothers?": true,
	} {
		if a := ask(t, p, q); strings.HasPrefix(a.Text, answer.MsgNoName) == named || named && a.Refused {
			t.Errorf("%q: %q, named: %v", q, a.Text, named)
		}
	}
}

// TestAskedInOtherWords: new users' questions of the report that were
// refused, or led with a sentence of neither its words nor its answer: an
// "incident" is no topic (an event is none), "who did it?" after "what's
// this news about?" asks about the news (its "news" names no topic), and a
// leader asked as "albania's leader" is the prime minister.
func TestAskedInOtherWords(t *testing.T) {
	p := storyPipeline(t)
	for q, want := range map[string]string{
		"When exactly did the hacking incident happen?":               "cyberattack",
		"who is albania's leader":                                     "Edi Rama",
		"who is the albania leader guy":                               "Edi Rama",
		"What mean MEK?":                                              "also known by its Farsi name",        // a learner's English (session 28: the MEK's ideology led)
		"What exact words did Washington use to describe the attack?": "reckless and irresponsible",          // refused for "words" (session 28)
		"how serious was the cyberattack?":                            "gravity and risk of the cyberattack", // the lede led (session 28)
		"what is edi rama's job?":                                     "Prime Minister Edi Rama",             // work asked (session 28)
	} {
		wantAnswer(t, p, q, want, true)
	}
	if a := askAfter(t, p, "so what's this news about anyway", "interesting. who did it?"); a.Refused || !strings.Contains(eval.Lead(a.Text), "Iran’s July cyberattack") {
		t.Errorf("who did it? after the gist: %q", a.Text)
	}
	// a security person's words for the attack, read by the bot's speller
	// (session 27's new users: refused)
	// the noun of "what systems" weighs more than the words that place it
	// (the lede's "July cyberattack on Albania" led)
	wantAnswer(t, p, "What systems were hit in the July cyberattack on Albania?", "erase digital systems", true)
	bp := botPipeline(story(t))
	wantAnswer(t, bp, "who did the forensic investigation into the intrusion?", "weeks-long US investigation", true)
	wantAnswer(t, bp, "when was the breach?", "July 15", true)
}

// TestStoryAsked: "is this the story about …?" is answered yes, with the
// document it names, or no, with what the documents are about; a typo
// English does not know is passed over. It quoted a sentence of the tale.
func TestStoryAsked(t *testing.T) {
	p := storyPipeline(t)
	for q, want := range map[string]string{
		"Is this the article about Albania and Iran?":  "Yes: “Albania cuts ties with Iran” is in my documents.",
		"hi!! is this the story about the iran albnai": "Yes: “Albania cuts ties with Iran” is in my documents.",
		"is this about the cyberattack?":               "Yes: “Albania cuts ties with Iran” tells of the cyberattack.",
		"is this the story about the tin soldier?":     "No: my documents do not tell of the tin soldier.",
		"Are you the bot for the war in Ukraine?":      "No: my documents do not tell of the war in Ukraine.",
	} {
		a := ask(t, p, q)
		if !strings.HasPrefix(a.Text, want) || strings.HasPrefix(want, "Yes") != (len(a.Citations) == 1) || strings.HasPrefix(want, "No") != a.Refused {
			t.Errorf("%q: %+v, want %q", q, a, want)
		}
	}
	if a := askAfter(t, p, "what did the MEK do?", "is it about money?"); strings.HasPrefix(a.Text, "No:") || strings.HasPrefix(a.Text, "Yes:") {
		t.Errorf("is it about money? after an answer asks about the answer: %q", a.Text)
	}
}

// TestYesNoAtTheEnd: a yes-or-no question of a tale's end in words it
// never writes is answered by its end ("did he die at the end?? :(" of The
// Brave Tin Soldier, which says "melted down into a lump", was refused
// for its "die", and after a question led with "At the end of the
// tunnel"); a report's end is no outcome, and a question asked of it so
// is refused as any other.
func TestYesNoAtTheEnd(t *testing.T) {
	ix := indexText(t, "soldier.txt", "There were once five-and-twenty tin soldiers, and one of them had only one leg.\n\n"+
		"He loved the little dancer, who stood on one leg in the door of a paper castle.\n\n"+
		"He sailed down the gutter in a paper boat, and at the end of the gutter the water fell into a canal.\n\n"+
		"A boy threw the soldier into the stove, and a draught caught the dancer, who flew into the fire too.\n\n"+
		"The tin soldier melted down into a lump, and the next morning the maid found him in the shape of a little tin heart.")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for _, q := range []string{"did he die at the end?? :(", "did the soldier survive in the end?"} {
		wantAnswer(t, p, q, "melted down into a lump", false)
	}
	if a := askAfter(t, p, "what happened to him in the water?", "did he die at the end?? :("); a.Refused || !strings.Contains(a.Text, "melted down into a lump") {
		t.Errorf("after a question: %q", a.Text)
	}
	news := story(t)
	if a := ask(t, answer.New(answer.Options{Retriever: news, Documents: news.Docs}), "did they get married at the end?"); !a.Refused {
		t.Errorf("a report's end: %q", a.Text)
	}
	// whether one lived or died is told at the end, asked without "at the
	// end" too: "is the pancake dead" was refused (session 26's new users)
	wantAnswer(t, dirPipeline(t, "testdata/pancake"), "is the pancake dead", "swallowed the pancake in one mouthful", true)
	wantAnswer(t, p, "is he still alive?", "melted down into a lump", false)
}

// TestOriginAsked: "What country is this story from?" is answered from
// what the documents' openings say of where they come from ("A Danish folk
// tale"), or that they do not say; it quoted a sentence of the tale.
func TestOriginAsked(t *testing.T) {
	ix := indexText(t, "hares.txt", "A Danish folk tale.\n\nOnce upon a time there was a king who had a hundred hares, and a boy named Esben herded them.")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for _, q := range []string{"What country is this story from?", "where does this tale come from?"} {
		if a := ask(t, p, q); a.Refused || !strings.Contains(a.Text, "calls itself a Danish folk tale. [1]") || len(a.Citations) != 1 {
			t.Errorf("%q: %+v", q, a)
		}
	}
	ix = story(t)
	p = answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	if a := ask(t, p, "What country is this story from?"); !a.Refused || a.Text != answer.MsgNoOrigin {
		t.Errorf("the report says nothing of where it comes from: %+v", a)
	}
}

// TestClausesAnswered: a long message of one question mark asks several
// things one after another; refused whole, it is answered in the parts
// the documents cover, each headed by its question, and the parts they do
// not cover say so in a line. ("Was the attack described as unprecedented
// or severe, and by whom, and what exactly was targeted - websites,
// databases, email?" was refused though the report calls it
// unprecedented.) A short one is one question.
func TestClausesAnswered(t *testing.T) {
	p := storyPipeline(t)
	a := ask(t, p, "Was the attack described as unprecedented or severe, and by whom, and what exactly was targeted - websites, databases, email?")
	if a.Refused || !strings.Contains(a.Text, "On “Was the attack described as unprecedented or severe, and by whom?”:\n> The US called the attack unprecedented") ||
		!strings.Contains(a.Text, "On “What exactly was targeted - websites, databases, email?”:\nI couldn't find this in the documents.") {
		t.Errorf("%q", a.Text)
	}
	a = ask(t, p, "Follow up - the article says something about the embassy, what exactly was ordered, to whom, and by when did they have to comply, and did the embassy respond?")
	if a.Refused || !strings.Contains(a.Text, "On “Did the embassy respond?”:\n> The Iranian Embassy in Tirana did not comment") {
		t.Errorf("%q", a.Text)
	}
	if a := ask(t, p, "what is the capital of France, and who is its president?"); !a.Refused || strings.Contains(a.Text, "On “") {
		t.Errorf("a short message not covered: %q", a.Text)
	}
}

// TestNameOfAGroup: the name of a group of a kind ("the hacking group") is
// given only by a sentence that says that kind: the report names the
// "exiled opposition group People’s Mujahideen …", and "What was the name
// of the hacking group?" was answered with it.
func TestNameOfAGroup(t *testing.T) {
	p := storyPipeline(t)
	if a := ask(t, p, "What was the name of the hacking group?"); !strings.HasPrefix(a.Text, answer.MsgNoName) {
		t.Errorf("%q", a.Text)
	}
	wantAnswer(t, p, "what is the name of the opposition group?", "opposition group People’s Mujahideen", true)
}

// TestAgesAndSizesInWords: an age or a size a tale gives in words is an
// answer ("seven years of age", "a beautiful girl of sixteen", "about the
// size of a child of five"); "how big were they?" of the Jamie Freel tale
// said it found no number. "the size of the patients' population" is no
// size of a hospital.
func TestAgesAndSizesInWords(t *testing.T) {
	ix := indexText(t, "mirror.txt", "The little girl was loved by all who saw her.\n\n"+
		"Now that she was seven years of age, she could talk and wait upon her parents.\n\n"+
		"The years went by, and the daughter grew into a beautiful girl of sixteen.\n\n"+
		"Numbers of little people, the largest about the size of a child, were dancing in the castle.")
	p := answer.New(answer.Options{Retriever: ix, Documents: ix.Docs})
	for q, want := range map[string]string{
		"how old was the little girl when she could talk?":        "seven years of age",
		"how old was the daughter when she was a beautiful girl?": "girl of sixteen",
		"how big were the little people?":                         "the size of a child",
	} {
		wantAnswer(t, p, q, want, true)
	}
	ix = indexText(t, "hospital.txt", "At the early stage, the size of the patients' population was small, and the hospital coped with them.")
	if a := ask(t, answer.New(answer.Options{Retriever: ix, Documents: ix.Docs}), "How big was the hospital?"); !strings.HasPrefix(a.Text, answer.MsgNoCount) {
		t.Errorf("the size of a population: %q", a.Text)
	}
}

// TestTwoAsksJoined: a short message of one question mark that asks two
// questions, each with its question word and verb, joined by "and", is
// answered in its parts when the documents cover it: "Who carried out the
// cyberattack and what was targeted?" led with the MEK's "carrying out a
// series of bombings" (session 26's new users).
func TestTwoAsksJoined(t *testing.T) {
	p := storyPipeline(t)
	a := ask(t, p, "How long do the diplomats have to leave, and what happens to the embassy?")
	if a.Refused || !strings.Contains(a.Text, "On “What happens to the embassy?”:\n> The Iranian Embassy in Tirana") {
		t.Errorf("%q", a.Text)
	}
	a = ask(t, p, "Who carried out the cyberattack and what was targeted?")
	if !strings.Contains(a.Text, "On “Who carried out the cyberattack?”:\n> “We have concluded that the Government of Iran conducted") {
		t.Errorf("%q", a.Text)
	}
	// not covered whole, it is answered in its parts, the part not covered
	// said so (it was refused whole)
	a = ask(t, p, "What does the MEK want today, and does the report think they have really changed?")
	if !strings.Contains(a.Text, "On “What does the MEK want today?”:\n> The modern-day ideology of the MEK") || !strings.Contains(a.Text, "On “Does the report think they have really changed?”:\nI couldn't find this in the documents.") {
		t.Errorf("%q", a.Text)
	}
	for _, q := range []string{"Who did the pancake meet first and why?", "How many came and how many of these stayed?", "What made the Prince dream that he was living in the forest and could understand all that the birds said?"} {
		if parts := answer.SplitAsks(p, q); parts != nil {
			t.Errorf("%q: %q, want one question", q, parts)
		}
	}
}

// TestClaimChecked: a fact-checker's "Claim: … True or false?" asks the
// claim; each was refused or answered with the report's date (session
// 26's new users).
func TestClaimChecked(t *testing.T) {
	p := botPipeline(story(t))
	for q, want := range map[string]string{
		"Claim: the cyberattack took place on 15 July 2022. Does the report confirm the date?":    "July 15 cyberattack",
		"Claim: the attack destroyed government data permanently. Is that supported?":             "destroyed government data",
		"'The United States promised further action against Iran.' Does the report back that up?": "will take further action", // in quotation marks: refused (session 27)
		"Claim: Albania cut diplomatic ties with Iran in September 2022. True?":                   "diplomatic relations",     // a bare "True?" (session 28: refused)
		"Albania cut ties with Iran. True?":                                                       "diplomatic relations",
		"Someone said the MEK camp is near Tirana airport. True or false?":                        "camp near Durres", // a claim reported (refused)
	} {
		wantAnswer(t, p, q, want, true)
	}
	// "September" is the month the report is dated in, not a name it never
	// writes; Rama's announcement leads, the lede's "on Wednesday" second
	wantAnswer(t, p, "Claim: Albania severed diplomatic relations with Iran on 7 September 2022. True or false according to the report?", "sever its diplomatic relations with Teheran on Wednesday", false)
	wantAnswer(t, p, "did albania cut ties in september?", "sever its diplomatic relations with Teheran on Wednesday", true) // refused for "september"
	// the report's own date is no word to search for: its "2022" found "In
	// 2022, Albania previously said …"
	wantAnswer(t, p, "Claim: Albania cut ties on 7 September 2022. True or false?", "sever its diplomatic relations with Teheran on Wednesday", true)
	wantAnswer(t, p, "what happened in 2022?", "In 2022, Albania previously said", true)
	if a := ask(t, p, "what happened in March?"); !a.Refused {
		t.Errorf("a month the report neither names nor is dated in: %q", a.Text)
	}
}

// TestAskedForSomeoneElse: a parent asks on a child's behalf ("My son
// asks: …", "She wants to know if …"): the question is the child's
// (refused for "son", or answered about "wanting").
func TestAskedForSomeoneElse(t *testing.T) {
	p := dirPipeline(t, "testdata/pancake")
	for q, want := range map[string]string{
		"My son asks: what did the pancake call the pig?": "Good-day, Pig Snig",
		"She's asking what the pancake was made with.":    "dough made with new milk",
	} {
		wantAnswer(t, p, q, want, true)
	}
	// its words in a clause's order, asked in a question's: "what the
	// widow's name was" is "what was the widow's name?", which the tale
	// never gives (session 26's "what the little fish's name was" was quoted
	// unhedged)
	if a := askIn(t, "testdata/knos", "He wants to know what the widow's name was."); !strings.HasPrefix(a.Text, answer.MsgNoName) {
		t.Errorf("%q", a.Text)
	}
	p = storyPipeline(t)
	wantAnswer(t, p, "My kid asked me why Albania and Iran stopped talking. What do I tell her?", "final straw", true) // preamble's, as before
}

// TestCountedInWords: a count a tale writes in words from thirteen to
// ninety is one ("he picked seventeen large shells" was "no number"); a
// sum of money counts money ("a hundred dollars", not "seventeen tall
// men").
func TestCountedInWords(t *testing.T) {
	if a := askIn(t, "testdata/lasse", "How many pea shells did Lasse pick?"); a.Refused || !strings.Contains(eval.Lead(a.Text), "seventeen large shells") {
		t.Errorf("%q", a.Text)
	}
	if a := askIn(t, "testdata/boots", "How much money does the councillor offer the wise man in the end?"); !strings.Contains(eval.Lead(a.Text), "hundred dollars") {
		t.Errorf("%q", a.Text)
	}
	// A price asked is a sum of money: of a report that gives none, "July
	// 15" is no answer (session 27's new users got the lede, unhedged).
	if a := ask(t, storyPipeline(t), "How much did the cyberattack cost Albania in euros?"); !strings.HasPrefix(a.Text, answer.MsgNoCount) {
		t.Errorf("price: %q, want %q", a.Text, answer.MsgNoCount)
	}
	if a := askIn(t, "testdata/boots", "How much did the councillor pay the wise man?"); strings.HasPrefix(a.Text, answer.MsgNoCount) || !strings.Contains(a.Text, "hundred dollars") {
		t.Errorf("price given: %q", a.Text)
	}
}

// TestThenGoesOnPastGreetings: "And after that?" goes on past short lines
// of speech to what happened next: after "it met a man" the pancake tale's
// greetings ("Good-day, pancake," said the man. "Good-day, Man Tan," said
// the pancake.) were the whole answer; now its answer reaches the hen.
// "Who was the first one it met?" leads with the man: its "one" is no
// topic ("said one of the children", first in the text, led, hedged).
func TestThenGoesOnPastGreetings(t *testing.T) {
	p := dirPipeline(t, "testdata/pancake")
	var history []chat.Message
	var a answer.Answer
	for _, q := range []string{"Who was the first one it met on the road?", "And after that?"} {
		var err error
		if a, err = p.Ask(context.Background(), answer.Request{Question: q, History: history}, nil); err != nil {
			t.Fatal(err)
		}
		history = append(history, chat.Message{Role: chat.RoleUser, Content: q}, chat.Message{Role: chat.RoleAssistant, Content: a.Text})
		if len(history) == 2 && !strings.HasPrefix(eval.Lead(a.Text), "After it had rolled a while it met a man.") {
			t.Errorf("%q: %q", q, a.Text)
		}
	}
	if !strings.Contains(a.Text, "Good-day, Man Tan") || !strings.Contains(a.Text, "hen") {
		t.Errorf("%q", a.Text)
	}
}

// TestNamedThenTold: "What was his one failing?" of a tale that names it
// at a sentence's end ("… had it not been for his one failing.") and tells
// it in the next paragraph ("Canonbie Dick was apt to get very thirsty.")
// quotes that next sentence after it; it was never quoted. The asker's
// "according to the narrator" names no topic.
func TestNamedThenTold(t *testing.T) {
	p := dirPipeline(t, "testdata/canonbie")
	for _, q := range []string{"What was his one failing?", "What was his one failing, according to the narrator?"} {
		a := ask(t, p, q)
		if i, j := strings.Index(a.Text, "his one failing. ["), strings.Index(a.Text, "Canonbie Dick was apt to get very thirsty."); i < 0 || j < i {
			t.Errorf("%q: %q", q, a.Text)
		}
	}
}

// TestToldAround: session 26's second round of new users. A question
// followed by what the asker wants it for ("did the US say anything? I want
// a reaction segment") is the question; a belief told before a question,
// of what the documents never mention ("I thought it was Russia …", "I
// heard … in August"), is said not to be in them and the question is
// answered without it; "stopped speaking with" says little more than
// "speaking with" (all were refused).
func TestToldAround(t *testing.T) {
	p := botPipeline(story(t))
	for q, want := range map[string]string{
		"did the US say anything? I want a reaction segment":                "the White House",
		"I thought it was Russia that hacked Albania. who was it actually?": "Government of Iran conducted this reckless and irresponsible cyberattack",
		"I heard the attack was in August. when was it?":                    "July 15 cyberattack",
		"why has Albania stopped speaking with Iran?":                       "final straw",
		"who hacked albania actually?":                                      "Government of Iran conducted",
		"who actually did the hack, like which group 👀":                     "Government of Iran conducted", // it led with the MEK's "opposition group"
		"I heard Russia did the hack. Is that true?":                        "Government of Iran conducted",
	} {
		wantAnswer(t, p, q, want, true)
	}
	for q, note := range map[string]string{
		"I thought it was Russia that hacked Albania. who was it actually?":        "The documents do not mention “Russia”",
		"I heard the attack was in August. when was it?":                           "The documents do not mention “August”",
		"I heard Russia did the hack. Is that true?":                               "The documents do not mention “Russia”; here is what they say.", // a claim to check: it was refused (session 27)
		"Another site said the cyberattack happened in March 2022. Is that right?": "The documents do not mention “March”; here is what they say.",  // it led with "In 2022, Albania previously said …", unhedged
	} {
		if a := ask(t, p, q); !strings.HasPrefix(a.Text, note) {
			t.Errorf("%q: %q, want it to open with %q", q, a.Text, note)
		}
	}
}

// TestMeaningAsked: "What does 'sever' mean here?" of a report that never
// says is answered with where it uses the word, said so (session 26's
// asker of word meanings got "thwarted several planned attacks", the stem
// of "several" being "sever"'s); a word the documents spell out is
// answered as before ("MEK": "Mujahideen-e-Khalq (MEK)").
func TestMeaningAsked(t *testing.T) {
	p := storyPipeline(t)
	a := ask(t, p, `What does "sever" mean here?`)
	if a.Refused || !strings.HasPrefix(a.Text, "The documents do not say what “sever” means. This is where they use it:") || !strings.Contains(a.Text, "to sever its diplomatic relations") || strings.Contains(a.Text, "several") {
		t.Errorf("%+v", a)
	}
	if a := ask(t, p, "what does MEK mean?"); strings.HasPrefix(a.Text, "The documents do not say") || !strings.Contains(a.Text, "(MEK)") {
		t.Errorf("%q", a.Text)
	}
	if a := ask(t, p, `what does my teacher mean by "diplomatic relations" lol`); strings.HasPrefix(a.Text, "The documents do not say what “my teacher”") {
		t.Errorf("a teacher is no word: %q", a.Text)
	}
}

// TestReasonAfter: a why-question's words find the sentence that tells
// what happened; the reason is the sentence after it ("That is because
// …", a state of whom it is about), which is quoted with it (session 27's
// new users got the event alone).
func TestReasonAfter(t *testing.T) {
	for _, c := range []struct{ dir, q, want string }{
		{"testdata/prince", "Why did the swallow feel warm after helping the boy?", "That is because you have done a good action"},
		{"testdata/hans", "wy didnt the cow give milk", "She is old and only fit to draw burdens"},
	} {
		a, err := dirPipeline(t, c.dir).Ask(context.Background(), answer.Request{Question: c.q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Refused || !strings.Contains(a.Text, c.want) {
			t.Errorf("%s %q:\n%s\nwant %q", c.dir, c.q, a.Text, c.want)
		}
	}
}

// TestYesNoUnwritten: a question whether the documents say something of a
// word the passages never write, in any form or by a synonym, is hedged
// (session 27's new users got the lede and Rama's words, unhedged, for "Is
// Albania described as the first country to cut ties …?"); one in the
// title's words or their own is answered ("Does the report mention the
// cyberattack?" was refused for "report"), and so is a question of which
// of two, and a yes-or-no question in other words than theirs ("Did the
// US blame Iran?": "Iran was indeed behind").
func TestYesNoUnwritten(t *testing.T) {
	report, goats := botPipeline(story(t)), dirPipeline(t, "testdata/goats") // the bot's: its speller knows the names written
	for _, c := range []struct {
		p      *answer.Pipeline
		q      string
		hedged bool
	}{
		{report, "Is Albania described as the first country to cut ties with Iran over a cyberattack?", true},
		{report, "Does the report mention the cyberattack?", false},
		{report, "Does the report say Microsoft investigated the attack?", true}, // a name it never writes
		{report, "Does the report mention Tehran?", false},                       // its "Teheran"
		{report, "Did the US blame Iran?", false},
		{report, "Did Albania cut ties with Iran?", false},
		{report, "Did the US help Albania recover?", false},
		{report, "Was any money stolen in the attack?", true}, // whether there was any of what it never writes (session 28: Rama's "steal government intranet electronic communication", unhedged)
		{report, "were any government systems damaged?", false},
		{report, "did albania take any action?", false},
		{report, "did anyone die in the cyberattack?", true}, // its "50 deaths" are of 1981 (session 28: quoted unhedged)
		{report, "did anyone die in 1981?", false},
		{report, "did anyone get arrested?", false},
		{report, "Did the Americans play any part in this?", false}, // "part" names no thing (session 28b)
		{goats, "Did the wolf eat the little kids?", false},
		{goats, "Did the mother goat ever go back to the miller to complain?", true}, // whether it ever happened, of a word it never writes
		{goats, "Did the wolf ever come back to the house again?", false},
		{goats, "Does the story say if the wolf was asleep or awake when the mother came home?", false},
	} {
		a := ask(t, c.p, c.q)
		if hedged := strings.HasPrefix(a.Text, answer.MsgNearest); hedged != c.hedged || !hedged && a.Refused {
			t.Errorf("%q: %q, hedged: %v", c.q, a.Text, c.hedged)
		}
	}
}

// TestComingOfAReport: what will come, asked of a report, is what it says
// will be ("The United States will take further action"), and when it
// says nothing of what is asked, hedged (session 27's new users got Rama's
// announcement for "what happens next between Albania and Iran?", and
// "is there gonna be a war" the MEK's war of 1981, unhedged).
func TestComingOfAReport(t *testing.T) {
	p := storyPipeline(t)
	for q, hedged := range map[string]bool{
		"what will happen next between Albania and Iran?": true,
		"what happens next between Albania and Iran?":     true,
		"is iran going to attack again?":                  true,
		"will the US do anything?":                        false,
		"What does the US plan to do next?":               false, // session 28's new users: "thwarted several planned attacks" as a follow-up
	} {
		a := ask(t, p, q)
		if strings.HasPrefix(a.Text, answer.MsgNearest) != hedged || !strings.Contains(eval.Lead(a.Text), "will take further action") {
			t.Errorf("%q: %q, want the US's further action, hedged: %v", q, a.Text, hedged)
		}
	}
	// as follow-ups too (session 27 and 28's new users: the lede and Rama,
	// unhedged, for "what will happen next?" as the ninth message)
	for q, before := range map[string]string{
		"what will happen next?":            "did iran respond?",
		"What does the US plan to do next?": "What happened after the 1981 protests were crushed?",
	} {
		if a := askAfter(t, p, before, q); !strings.Contains(eval.Lead(a.Text), "will take further action") {
			t.Errorf("%q after %q: %q, want the US's further action", q, before, a.Text)
		}
	}
}

// TestReactionFound: how a country reacted is what its side said or did
// in reply, found by a search of its name and the words of reacting when
// the question's other words find other passages (session 27's new users
// got Albania's decision, the US's words and the MEK's "responded by
// declaring war" for these; the report says "The Iranian Embassy in Tirana
// did not comment on the move right away").
func TestReactionFound(t *testing.T) {
	p := botPipeline(story(t))
	for _, q := range []string{"How did the Iranian government react to the expulsion?", "did Iran say anything in response?", "How did Tehran react to the decision?"} {
		wantAnswer(t, p, q, "The Iranian Embassy in Tirana did not comment", true)
	}
}

// TestDayNamed: a when-answer whose first quote names its day only
// relative to the report's date ("… sever its diplomatic relations with
// Teheran on Wednesday") says which day that is; not when the question's
// words stand nearer another time of the sentence ("when was the
// cyberattack?": "Iran’s July cyberattack").
func TestDayNamed(t *testing.T) {
	p := storyPipeline(t)
	const note = "(“on Wednesday”: Wednesday 7 September 2022, by the date of “"
	for q, named := range map[string]bool{
		"when did albania cut ties with iran?": true, // the headline's event
		"when did albania sever relations?":    true,
		"when was the cyberattack?":            false,
		"who cut ties?":                        false,
	} {
		if a := ask(t, p, q); strings.Contains(a.Text, note) != named {
			t.Errorf("%q: %q, the day named: %v", q, a.Text, named)
		}
	}
}
