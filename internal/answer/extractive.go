package answer

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"storybot/internal/textan"
)

// sentence is a span of a passage.
type sentence struct {
	text       string
	start, end int // byte offsets in the passage
}

// abbreviations that end with a period without ending a sentence.
var abbrev = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true, "sr": true,
	"vs": true, "etc": true, "e.g": true, "i.e": true, "no": true, "fig": true, "al": true, "inc": true,
	"ltd": true, "co": true, "gen": true, "gov": true, "sen": true, "rep": true, "u.s": true, "u.k": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "approx": true, "ca": true, "cf": true, "vol": true,
}

// splitSentences cuts text into sentences at . ! ? (followed by a space
// and a capital, digit or quote), at line breaks, and never after a known
// abbreviation or an initial ("J. Smith").
func splitSentences(text string) []sentence {
	var out []sentence
	start := 0
	emit := func(end int) {
		s := strings.TrimSpace(text[start:end])
		if s != "" {
			off := start + strings.Index(text[start:end], s)
			out = append(out, sentence{text: s, start: off, end: off + len(s)})
		}
		start = end
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			emit(i)
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		// include closing quotes and brackets
		j := i + 1
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if r == '"' || r == '”' || r == '’' || r == ')' || r == '\'' {
				j += size
				continue
			}
			break
		}
		if j >= len(text) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[j:])
		if r != ' ' && r != '\t' && r != '\n' {
			continue
		}
		k := j
		for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		if k < len(text) {
			nr, _ := utf8.DecodeRuneInString(text[k:])
			if !(unicode.IsUpper(nr) || unicode.IsDigit(nr) || nr == '"' || nr == '“' || nr == '‘' || nr == '(' || nr == '\n') {
				continue
			}
		}
		if c == '.' {
			w := lastWord(text[start:i])
			lw := strings.ToLower(w)
			if abbrev[lw] || (utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0])) {
				continue
			}
		}
		emit(j)
	}
	emit(len(text))
	return out
}

func lastWord(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == '"' || r == '“' })
	return s[i+1:]
}

// candidate is a sentence of a retrieved passage, scored for a question.
type candidate struct {
	sp    *sourcePassage
	rank  int
	sent  sentence
	terms map[string]bool
	score float64
	idx   int // position in its passage
}

// question types recognised from the first words.
type qtype int

const (
	qOther qtype = iota
	qWho
	qWhen
	qHowMany
	qWhere
	qWhy
	qDefine   // what does X stand for / mean
	qDescribe // how did X describe / call Y
)

func questionType(q string) qtype {
	lq := strings.ToLower(q)
	switch {
	case strings.Contains(lq, "stand for") || strings.Contains(lq, "acronym") || strings.Contains(lq, "abbreviation") ||
		(strings.HasPrefix(lq, "what does") && strings.HasSuffix(strings.TrimRight(lq, "?. "), " mean")):
		return qDefine
	case strings.Contains(lq, "describe") || strings.Contains(lq, " call ") || strings.Contains(lq, " dub") || strings.Contains(lq, "characteri") || strings.Contains(lq, " label"):
		return qDescribe
	case strings.Contains(lq, "how many") || strings.Contains(lq, "how much") || strings.Contains(lq, "what percentage") ||
		strings.Contains(lq, "how long") || strings.Contains(lq, "how old") || strings.Contains(lq, "what number"):
		return qHowMany
	case strings.HasPrefix(lq, "when") || strings.Contains(lq, "what year") || strings.Contains(lq, "what date") ||
		strings.Contains(lq, "which year") || strings.Contains(lq, "what day") || strings.Contains(lq, "what time") || strings.Contains(lq, "what century"):
		return qWhen
	case strings.HasPrefix(lq, "who") || strings.Contains(lq, " who ") || strings.HasPrefix(lq, "whom") || strings.Contains(lq, "which person") || strings.Contains(lq, "what person"):
		return qWho
	case strings.HasPrefix(lq, "where") || strings.Contains(lq, " where ") || strings.Contains(lq, "what city") || strings.Contains(lq, "what country"):
		return qWhere
	case strings.HasPrefix(lq, "why") || strings.Contains(lq, " why "):
		return qWhy
	}
	return qOther
}

var (
	numberRe   = regexp.MustCompile(`\b\d[\d,.]*\b|\b(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half)\b`)
	dateRe     = regexp.MustCompile(`\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b\d{4}-\d{2}-\d{2}\b|\bcentury\b`)
	whyRe      = regexp.MustCompile(`(?i)\b(because|due to|after|prompt\w*|reason|caused|led to|result|in response|so that|since)\b`)
	fullDateRe = regexp.MustCompile(`\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2}\b|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b|\b\d{4}-\d{2}-\d{2}\b`)
	defineRe   = regexp.MustCompile(`\([A-Z][A-Za-z]{1,9}\)|\b(?:also known as|known by|stands for|short for|refers to|is called|abbreviated)\b`)
	describeRe = regexp.MustCompile(`[“"][^”"]{3,60}[”"]|\b(?:dubbed|called|described (?:it )?as|termed|labell?ed|branded)\b`)
	placeRe    = regexp.MustCompile(`\b(?:in|at|near|from|to)\s+(?:the\s+)?[A-Z][\p{L}]+`)
)

// extractive builds the offline answer: the one to three sentences of the
// passages that best answer the question, best first, each cited.
//
// focus is the question as the user typed it: when it differs from question
// (a follow-up completed with words of the conversation), its own words
// weigh triple and sentences without any of them count half.
func (p *Pipeline) extractive(question, focus string, passages []*sourcePassage) Answer {
	ans := Answer{Mode: ModeExtractive, Citations: []Citation{}, Warnings: []string{}}
	chosen := p.chooseSentences(question, focus, passages)
	if len(chosen) == 0 {
		ans.Refused = true
		ans.Text = NotCoveredText
		return ans
	}
	num := map[*sourcePassage]int{}
	quotes := map[*sourcePassage][]string{}
	var b strings.Builder
	b.WriteString(extractiveLabel)
	for _, c := range chosen {
		n, ok := num[c.sp]
		if !ok {
			n = len(num) + 1
			num[c.sp] = n
			ps := c.sp.Hit.Passage
			ans.Citations = append(ans.Citations, Citation{
				N: n, Doc: ps.Doc, Title: ps.Title, Location: ps.Location(), PassageID: ps.ID, Text: ps.Text,
			})
		}
		quotes[c.sp] = append(quotes[c.sp], c.sent.text)
		b.WriteString("\n> ")
		b.WriteString(strings.Join(strings.Fields(SourceRefs(c.sent.text)), " "))
		b.WriteString(" [" + strconv.Itoa(n) + "]")
	}
	for sp, n := range num {
		ans.Citations[n-1].Quote = shorten(quotes[sp][0], maxQuote)
	}
	ans.Text = b.String()
	return ans
}

// chooseSentences scores every sentence of the passages and returns up to
// three: the best, then others that score at least 60% of it, in score
// order.
func (p *Pipeline) chooseSentences(question, focus string, passages []*sourcePassage) []*candidate {
	qterms := map[string]bool{}
	var qlist []string
	for _, t := range p.an.Terms(question) {
		if !qterms[t] {
			qterms[t] = true
			qlist = append(qlist, t)
		}
	}
	if len(qlist) == 0 || len(passages) == 0 {
		return nil
	}
	qt := questionType(question)
	qwords := map[string]bool{}
	textan.Tokenize(question, func(t textan.Token) { qwords[strings.ToLower(t.Text)] = true })

	var cands []*candidate
	df := map[string]int{}
	maxScore := passages[0].Score
	topDoc := passages[0].Hit.Passage.Doc
	for rank, sp := range passages {
		if rank >= 5 {
			break
		}
		for i, s := range splitSentences(sp.Hit.Passage.Text) {
			c := &candidate{sp: sp, rank: rank, sent: s, terms: map[string]bool{}, idx: i}
			for _, t := range p.an.Terms(s.text) {
				if qterms[t] && !c.terms[t] {
					c.terms[t] = true
					df[t]++
				}
			}
			cands = append(cands, c)
		}
	}
	n := float64(len(cands))
	focused := map[string]bool{}
	if focus != question {
		for _, t := range p.an.Terms(focus) {
			focused[t] = true
		}
	}
	weight := func(t string) float64 {
		w := math.Log(1 + n/(1+float64(df[t])))
		if focused[t] {
			w *= 3
		}
		return w
	}
	var total float64
	for _, t := range qlist {
		total += weight(t)
	}
	for _, c := range cands {
		if len(c.terms) == 0 {
			continue
		}
		var got float64
		for t := range c.terms {
			got += weight(t)
		}
		score := got / total
		score += 0.25 * proximity(p.an, c.sent.text, qterms)
		score += 0.2 * cue(qt, c.sent.text, qwords)
		// passage rank and retrieval score
		// (not for a follow-up, whose retrieval the conversation's words
		// steered)
		if len(focused) == 0 {
			rel := 1.0
			if maxScore > 0 {
				rel = c.sp.Score / maxScore
			}
			score *= 0.75 + 0.25*rel
			score *= 1 / (1 + 0.08*float64(c.rank))
		}
		if c.sp.Hit.Passage.Doc != topDoc {
			score *= 0.7 // keep the answer within the best document when it can be
		}
		words := len(strings.Fields(c.sent.text))
		if words < 4 {
			score *= 0.6
		} else if words > 70 {
			score *= 0.85
		}
		if len(focused) > 0 {
			hasFocus := false
			for t := range c.terms {
				if focused[t] {
					hasFocus = true
				}
			}
			if !hasFocus {
				score *= 0.5 // a follow-up is about its own words first
			}
		}
		c.score = score
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	if len(cands) == 0 || cands[0].score <= 0 {
		return nil
	}
	best := cands[0].score
	out := []*candidate{cands[0]}
	has := func(c *candidate) bool {
		for _, o := range out {
			if o.sent.text == c.sent.text {
				return true
			}
		}
		return false
	}
	// When the best sentence lacks what the question asks for (a date, a
	// number, a name...), add the best sentence that has it: a neighbour of
	// the best, or one that scores at least a quarter of it.
	if qt != qOther && cue(qt, cands[0].sent.text, qwords) < 1 {
		// first from the best sentence's document, then from any
		bestDoc := cands[0].sp.Hit.Passage.Doc
	rescue:
		for _, sameDoc := range []bool{true, false} {
			for _, c := range cands[1:] {
				if sameDoc && c.sp.Hit.Passage.Doc != bestDoc {
					continue
				}
				near := c.sp == cands[0].sp && (c.idx == cands[0].idx+1 || c.idx == cands[0].idx-1)
				if (near || c.score >= best/4) && cue(qt, c.sent.text, qwords) == 1 && !has(c) {
					out = append(out, c)
					break rescue
				}
			}
		}
	}
	for _, c := range cands[1:] {
		if len(out) == 3 || c.score < 0.6*best {
			break
		}
		if !has(c) {
			out = append(out, c)
		}
	}
	return out
}

// proximity is 1 when the question terms found in the sentence stand next
// to each other, falling towards 0 as they spread out.
func proximity(an *textan.Analyzer, s string, qterms map[string]bool) float64 {
	var pos []int
	i := 0
	seen := map[string]bool{}
	an.Each(s, func(t string, _ textan.Token) {
		if qterms[t] {
			pos = append(pos, i)
			seen[t] = true
		}
		i++
	})
	if len(seen) < 2 {
		return 0
	}
	span := pos[len(pos)-1] - pos[0] + 1
	return float64(len(seen)) / float64(span)
}

// cue is 1 when the sentence holds the kind of thing the question asks for
// (a name for who, a date for when, a number for how many, a place for
// where, a reason for why) that is not already in the question.
func cue(qt qtype, s string, qwords map[string]bool) float64 {
	fresh := func(matches []string) bool {
		for _, m := range matches {
			if !qwords[strings.ToLower(strings.Trim(m, " ,."))] {
				return true
			}
		}
		return false
	}
	switch qt {
	case qHowMany:
		if fresh(numberRe.FindAllString(s, -1)) {
			return 1
		}
	case qWhen:
		if fresh(fullDateRe.FindAllString(s, -1)) {
			return 1
		}
		if fresh(dateRe.FindAllString(s, -1)) {
			return 0.5
		}
	case qDefine:
		if defineRe.MatchString(s) {
			return 1
		}
	case qDescribe:
		if describeRe.MatchString(s) {
			return 1
		}
	case qWho:
		names := 0
		first := true
		textan.Tokenize(s, func(t textan.Token) {
			r, _ := utf8.DecodeRuneInString(t.Text)
			if !first && unicode.IsUpper(r) && !qwords[strings.ToLower(t.Text)] {
				names++
			}
			first = false
		})
		if names > 0 {
			return 1
		}
	case qWhere:
		for _, m := range placeRe.FindAllString(s, -1) {
			f := strings.Fields(m)
			if !qwords[strings.ToLower(f[len(f)-1])] {
				return 1
			}
		}
	case qWhy:
		if whyRe.MatchString(s) {
			return 1
		}
	}
	return 0
}

// SourceRefs rewrites bracketed numbers that a document carries itself
// (reference marks such as "[12]" or "[3, 4]" in scientific articles) as
// "(12)", so they cannot pass for the answer's citation markers.
func SourceRefs(text string) string {
	if !strings.Contains(text, "[") {
		return text
	}
	return markerRe.ReplaceAllStringFunc(text, func(m string) string {
		return "(" + strings.TrimSpace(m[1:len(m)-1]) + ")"
	})
}
