package answer

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestQuestionType: quotes or a dash before a question do not hide its
// kind; a query of keywords takes it from its last word, and only then.
func TestQuestionType(t *testing.T) {
	expect(t, "questionType", questionType, map[string]qtype{
		"What is the MEK?": qDefine, `"what is the MEK?"`: qDefine, "“What is the MEK?”": qDefine, "- who is Edi Rama": qWho,
		"When was the attack?": qWhen, "How many died?": qHowMany,
		"Which country investigated?": qWho, "which country attacked albania?": qWho, "Which country in 1985 signed a treaty?": qWho, // a place that acts: by its name
		"what happened to anyone who failed?": qOutcome, "What traits should the new Director General of the WHO have?": qOther, // a relative clause, an abbreviation
		"and who is he?": qWho, "tell me who did it": qWho,
		"Which country was attacked?": qWhere, "what country is Durres in?": qWhere, "Which country did they flee to?": qWhere,
		"cyberattack date": qWhen, "how long ago was the revolution?": qWhen, "how long did it last?": qHowMany, "mek camp location?": qWhere, "albania cut ties why": qWhy, "how come albania did that?": qWhy, "date": qOther,
		"What report had the correct date?": qOther, "Did they set a date?": qOther,
		"What mean MEK?": qDefine, "what is the meaning of MEK?": qDefine, "What was the exact date of the cyberattack?": qWhen, // session 28c: Rama's "four groups" led // session 28: a learner of English got the MEK's ideology
	})
}

// TestCue: what each kind of question takes for the fact it asks for.
func TestCue(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	for _, c := range []struct {
		q, s string
		want float64
	}{
		// a month is a date ("When was Albania attacked?": "Iran's July cyberattack")
		{"When was Albania attacked?", "Iran’s July cyberattack on Albania proved to be the final straw.", 0.75},
		{"When was Albania attacked?", "In 2022, Albania previously said it had thwarted several planned attacks.", 0.75},
		{"When was Albania attacked?", "They met on Wednesday.", 0.5},
		{"On what date did the cyberattack take place?", "Iran’s July cyberattack on Albania.", 0.5}, // a date wants its day
		{"On what date did the cyberattack take place?", "the July 15 cyberattack", 1},
		{"When did it happen?", "May I come in?", 0.5},                                                                                          // a month or a modal: only a weak sign
		{"When will he come back?", "He will come again to-morrow.", 0.5},                                                                       // an old spelling of a time
		{"When was the cyberattack?", "Iran’s July cyberattack on Albania.", 0.75}, {"When was the cyberattack?", "the July 15 cyberattack", 1}, // a month alone says less
		// an age, not the time since something ("He died six months ago");
		// a thing's age may be so long ago
		{"how old was the king?", "'He died six months ago,' said the rich brother.", 0},
		{"How old are the fossils?", "The fossils are from 515 million years ago.", 1},
		{"how old was the princess?", "When the princess had completed her fifteenth year, the king called her.", 1}, // an age by the year she is in
		{"how old was she when the war started?", "When the princess had seen the snows of fifteen winters, a great war broke out.", 1}, {"how old was he?", "He stayed three winters there.", 0},
		{"how old was aggo", "One sunshiny morning, when there were just two or three promising clouds rolling moistly about the sky, Aggo prepared to go out.", 0}, // a count of clouds, no age (it led, unhedged)
		{"how old was she?", "She was ten or eleven.", 1},
		{"how old was she when he died?", "A widow at twenty-nine, she lived on.", 1}, {"how old was she?", "She came home at twelve.", 0}, // an age by what came at it, not an hour
		// a measure: a number and its unit, not any number
		{"how heavy was the club?", "He forged himself a club of thirty hundred-weights.", 1},
		{"how heavy was the club?", "Murmur jumped from one mountain-top to another.", 0},
		{"how tall was Knos?", "At five he was taller than the tallest man.", 1},
		// a state that moves someone is a weak sign of a reason
		{"Why did Maisie eat all of the black puddings?", "The sight of the puddings suggested to Maisie that she was very hungry.", 0.5},
		{"Why did Maisie eat all of the black puddings?", "She seemed to have had a busy day.", 0},
		// what will come: what a sentence says will
		{"What will the US do?", "The United States will take further action to hold Iran accountable.", 1},
		{"What will the US do?", "The US called the attack unprecedented.", 0},
		{"What did they promise to do?", "The United States will take further action.", 1}, {"What did they promise to do?", "“We have concluded it,” the statement further read.", 0}, // "further" of reporting is no future
		{"what happens to the snow man next?", "\"I'll soon learn that,\" said the Snow Man.", 1},
		// how long: a duration, not any number
		{"How long had Hans served his master?", "He had served him seven years.", 1},
		{"How long has there been tension?", "Sparks have been flying ever since 2014 when Albania welcomed 3,000 members.", 1},
		{"How long did the investigation take?", "In light of a weeks-long US investigation, Washington concluded.", 1},
		{"How long has there been tension?", "Albania welcomed 3,000 members.", 0.5},
		// which country: a name the question does not hold
		{"Which country investigated the attack?", "a weeks-long US investigation, investigating on the ground", 1},
		{"Which country investigated the attack?", "the cyberattack against our country", 0},
		// where: a place, not a month or a day ("in June 1981")
		{"Where do MEK members live?", "who settled in a camp near Durres, the country’s main port", 1},
		{"Where do MEK members live?", "The MEK would not stand with arms folded and in June 1981 organized protests.", 0},
		{"Where did they meet?", "They met on Wednesday.", 0},
		// how many: the number that counts what is asked about
		{"How many groups carried out the attack?", "through the engagement of four groups", 1},
		{"How many groups carried out the attack?", "in June 1981 organized the protests", 0},
		// a feeling, told as a tale tells it ("she felt a chill at her heart")
		{"How did she feel about the bridegroom?", "As often as she saw him, she felt a chill at her heart.", 1},
		{"How did she feel about the bridegroom?", "He came and asked her in marriage.", 0},
	} {
		q := p.analyzeQuestion(c.q, c.q)
		if got := p.cue(q, c.s); got != c.want {
			t.Errorf("cue(%q, %q) = %v, want %v", c.q, c.s, got, c.want)
		}
	}
}

// FuzzSplitQuestions: any message splits into valid UTF-8 questions, each
// ending with a question mark, two or three of them, or none.
func FuzzSplitQuestions(f *testing.F) {
	for _, q := range []string{"who is edi rama? also when was the attack?", "and ¿qué? and ¿quién fue?", "a? b? c? d?", "why??? 🤔", "Who is Edi Rama? What did he say?"} {
		f.Add(q)
	}
	p := New(Options{Retriever: nopRetriever{}})
	f.Fuzz(func(t *testing.T, q string) {
		parts := p.splitQuestions(q)
		if len(parts) == 1 || len(parts) > maxParts {
			t.Fatalf("splitQuestions(%q) = %q", q, parts)
		}
		for _, part := range parts {
			if utf8.ValidString(q) && !utf8.ValidString(part) || !strings.HasSuffix(part, "?") {
				t.Fatalf("splitQuestions(%q): part %q", q, part)
			}
		}
	})
}

// TestReactionOf: a question about how someone reacted names its subject,
// whose sentence leads when the ranking holds it close to the best.
func TestReactionOf(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	for q, want := range map[string]string{
		"How did Iran react?":       "iran",
		"what was Jegu's reaction?": "jegu",
		"how did the husband respond to the dog rescuing the child?": "husband",
		"What was the Iranian Embassy’s response?":                   "iran embassi",
		"why did iran react?":                                        "",
		"what did Iran say?":                                         "iran",
		"and what did the US say about it?":                          "us",
		"What did Jamie say he would do when his mother asked?":      "",
		"how did the attack happen?":                                 "",
		"what was the reaction from iran":                            "iran",
		"what was the iranian reaction":                              "iran",
		"what did the iranian side say":                              "iran",
		"did iran admit to the attack?":                              "iran",
		"did Iran deny it?":                                          "iran",
		"is iran denying it?":                                        "iran",
		"has Iran admitted it?":                                      "iran",
		"what was the response to the attack?":                       "",
		"what is the answer to the riddle?":                          "",
		"did iran say anything?":                                     "iran",
		"did Iran say anything in response?":                         "iran", // session 27's new users: the MEK "responded by declaring war"
		"How did the Iranian government react to the expulsion?":     "iran", // the Iranian government is Iran
		"How did Teheran react to the decision?":                     "iran", // a capital is its country (WordNet's "capital of iran")
		"how did the king react?":                                    "king",
		"Did the king say he would come?":                            "",
	} {
		if got := strings.Join(p.reactionOf(q), " "); got != want {
			t.Errorf("reactionOf(%q) = %q, want %q", q, got, want)
		}
	}
	if s := []string{"iran"}; !p.startsWith("The Iranian Embassy in Tirana did not comment on the move right away.", s) ||
		p.startsWith("The MEK responded by declaring war against the Government of the Islamic Republic of Iran.", s) {
		t.Error("startsWith: want the embassy's sentence to start with Iran, not the MEK's")
	}
	if s := []string{"albania"}; !p.startsWith("“The government has decided with immediate effect to end diplomatic relations,” Albanian Prime Minister Edi Rama declared in a video statement.", s) ||
		p.startsWith("“The government has decided,” said the prime minister of Albania.", s) {
		t.Error("startsWith: want a quotation's speaker, its first words after the quote, as its subject")
	}
	if p.startsWith("Iran’s July cyberattack on Albania proved to be the final straw.", []string{"iran"}) {
		t.Error("startsWith: a possessive is not the subject (Iran’s cyberattack is not Iran's reaction)")
	}
}

// TestIntroScore: a sentence that describes a name scores 2, one that only
// speaks to it less than nothing; a comma and a clause after the name is
// no apposition, a possessive's noun and a comma before it is one.
func TestIntroScore(t *testing.T) {
	for s, want := range map[string]float64{
		"This man's name was Ko-ko, the Owl; and he boasted.":                                   2,
		"Durres, the country’s main port, lies on the coast.":                                   2.5,
		"the young man and his dog, Spirit-Iron, blowing a strong breath, won.":                 2,
		"allowing no more than five more blows upon Ko-ko, the moccasins were taking him past.": 0,
		"Go home, Finn, now.": -3,
		"which made her be called Cinderwench; but the youngest called her Cinderella.":          2,
		"there were three little kittens, and their names were Mittens, Tom Kitten, and Moppet.": 2,
		"Now in this lake lived a wicked old Manito, Mishosha by name, who looked at them.":      2, // "by name" introduces him
		"By speaking that moment to his canoe, Mishosha shot forward.":                           0, // a clause, no apposition
	} {
		name := "Ko-ko"
		for _, n := range []string{"Durres", "Spirit-Iron", "Finn", "Cinderella", "Tom Kitten", "Mishosha"} {
			if strings.Contains(s, n) {
				name = n
			}
		}
		if got := introScore(s, nameMatches(namePattern(questionWords(name)), s)); got != want {
			t.Errorf("introScore(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestNameMatches: a name asked about is found where the text writes it as
// a name: its first and last words with a capital, hyphenated or not, or
// at the start of a sentence; a title ("the King's son") is no name.
func TestNameMatches(t *testing.T) {
	for _, c := range []struct {
		name, s string
		want    int
	}{
		{"toad woman", "he had been stolen by the old Toad-Woman, who was a witch.", 1},
		{"Ko ko", "This man's name was Ko-ko, the Owl; and Ko-ko put on a big look.", 2},
		{"king's son", "\"The King's son.\" The King's son was going to be married.", 0},
		{"microtubule severing enzymes", "Microtubule severing enzymes are a family. \"Microtubule severing enzymes cut.\"", 2},
		{"edi rama", "Prime Minister Edi Rama declared; edi rama in lower case is no name.", 1},
	} {
		if got := len(nameMatches(namePattern(questionWords(c.name)), c.s)); got != c.want {
			t.Errorf("nameMatches(%q, %q): %d matches, want %d", c.name, c.s, got, c.want)
		}
	}
}

// TestKindOfIsNoWord: "what kind of" asks for a kind; its "kind" is no word
// a sentence must hold ("responded in kind" answers nothing).
func TestKindOfIsNoWord(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	for _, q := range []string{"what kind of systems were hit?", "Which types of attack were used?"} {
		if got := p.analyzeQuestion(q, q).list; slices.ContainsFunc(got, func(t string) bool { return t == "kind" || t == "type" }) {
			t.Errorf("%q: terms %v", q, got)
		}
	}
}

// TestStressIsNoWord: an adverb that stresses a question is no word a
// sentence must hold; "country" in "which country attacked Albania?" is
// what it asks for, weighed as a framing word.
func TestStressIsNoWord(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	for q, want := range map[string][]string{
		"when was the attack exactly?":   {"attack"},
		"Who was the woodcutter really?": {"woodcutt"},
		"what actually happened?":        {"happen"},
		"what was the exact date?":       {"date"},
	} {
		if got := p.analyzeQuestion(q, q).list; !slices.Equal(got, want) {
			t.Errorf("%q: terms %v, want %v", q, got, want)
		}
	}
	if q := p.analyzeQuestion("which country attacked albania?", "which country attacked albania?"); q.prior["countri"] != weightFrame || q.prior["albania"] != 1 {
		t.Errorf("which country attacked albania?: weights %v", q.prior)
	}
}

// TestSomeoneIsNoTopic: "anyone", "someone", "everybody" stand for the
// person asked about, and are no word the documents must hold ("was anyone
// killed?" has one topic, "kill").
func TestSomeoneIsNoTopic(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	for q, want := range map[string][]string{
		"was anyone killed?":          {"kill"},
		"did somebody plot attacks?":  {"plot", "attack"},
		"has everyone left the camp?": {"leav", "camp"},
	} {
		if got := p.topicTerms(q); !slices.Equal(got, want) {
			t.Errorf("%q: topic terms %v, want %v", q, got, want)
		}
	}
}

// TestLeaderTerm: a leader question's word for leading, which a title
// holds ("Albanian Prime Minister Edi Rama"); "led" of a statistic or of
// someone shown the way is no leader's.
func TestLeaderTerm(t *testing.T) {
	p := New(Options{Retriever: nopRetriever{}})
	expect(t, "leaderTerm", p.leaderTerm, map[string]string{
		"who leads albania?":              "lead",
		"who is the leader of Albania?":   "lead",
		"who ruled Iran in 1981?":         "rule",
		"who is in charge of the camp?":   "charg",
		"who runs the MEK?":               "run",
		"who led the prince to the hall?": "",
		"who led the Panthers in sacks?":  "",
		"who is the leader?":              "",
		"who is albania's leader":         "lead", "who is the albanian leader?": "lead", "who is the iran leader": "lead", // a new user's "albania leader guy" led with the clerical leadership
		"who is the team leader":           "",
		"what did the leader of Iran say?": "",
		"who was the king of the country?": "",
	})
}
