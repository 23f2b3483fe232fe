package answer

import (
	"strings"
	"unicode"
)

// englishWords are common English function words ("was" is left out: it is
// German too, "Was ist passiert?").
var englishWords = setOf(`the a an is are were be been did do does what who whom whose why when where how which
	of to in on for with and or by from about after before it they he she this that these those have has had can could
	will would not there their many much i you we my your our`)

// foreignWords are function words of Spanish, French, German, Italian,
// Portuguese and Dutch that are not English words too ("a", "in", "die",
// "was", "also" are left out).
var foreignWords = setOf(`el los las del por para qué que cómo como cuándo cuando dónde donde quién quien cuál con una es y la
	se su sus lo le les du des et est pourquoi quand qui quoi comment où avec pour dans sur une un il elle ils ont sont
	l qu ce cette ses leur pas ne der das und ist sind warum wann wer wie wo mit für nicht ein eine dem den zum zur
	haben von auf bei nach wurde wurden hat gli perché chi dove della delle degli che non sono è os porque quem
	onde com não dos das het een waarom wanneer hoe waar voor niet zijn heeft`)

// notEnglish reports whether q is clearly not in English: most of its
// letters are not Latin (Cyrillic, Arabic, Persian, Chinese...), or it
// starts with "¿" or "¡", or its function words are mostly Spanish,
// French, German, Italian, Portuguese or Dutch (at least two of them, or
// one and no English one). A question in English that quotes a foreign name
// ("Who are the Mojahedin-e Khalq?") stays English.
func notEnglish(q string) bool {
	latin, other := 0, 0
	for _, r := range q {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
	}
	if other > latin {
		return true
	}
	if strings.HasPrefix(q, "¿") || strings.HasPrefix(q, "¡") {
		return true
	}
	en, foreign := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) }) {
		switch {
		case englishWords[w]:
			en++
		case foreignWords[w]:
			foreign++
		}
	}
	return foreign > en && (foreign >= 2 || en == 0 && foreign == 1 && len(strings.Fields(q)) >= 3)
}
