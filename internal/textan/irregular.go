package textan

import "strings"

// irregularPairs lists common English irregular verbs as "base past
// participle" (a form may repeat the base). Snowball stems "went" and "go",
// "saw" and "see", "thought" and "think" apart; questions ask in the present
// ("Where did the prince go?") what stories tell in the past ("the prince
// went").
const irregularPairs = `arise arose arisen|awake awoke awoken|be was were been|bear bore born borne|beat beat beaten|
become became become|begin began begun|bend bent bent|bid bade bidden|bind bound bound|bite bit bitten|bleed bled bled|
blow blew blown|break broke broken|breed bred bred|bring brought brought|build built built|burn burnt burnt|
buy bought bought|catch caught caught|choose chose chosen|cling clung clung|come came come|creep crept crept|cut cut cut|
deal dealt dealt|dig dug dug|do did done|draw drew drawn|dream dreamt dreamt|drink drank drunk|drive drove driven|
dwell dwelt dwelt|eat ate eaten|fall fell fallen|feed fed fed|feel felt felt|fight fought fought|find found found|
flee fled fled|fling flung flung|fly flew flown|forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|
freeze froze frozen|get got gotten|give gave given|go went gone|grind ground ground|grow grew grown|hang hung hung|
hear heard heard|hide hid hidden|hit hit hit|hold held held|hurt hurt hurt|keep kept kept|kneel knelt knelt|
know knew known|lay laid laid|lead led led|leap leapt leapt|learn learnt learnt|leave left left|lend lent lent|
lie lay lain|light lit lit|lose lost lost|make made made|mean meant meant|meet met met|pay paid paid|ride rode ridden|
ring rang rung|rise rose risen|run ran run|say said said|see saw seen|seek sought sought|sell sold sold|send sent sent|
set set set|shake shook shaken|shine shone shone|shoot shot shot|show showed shown|shrink shrank shrunk|shut shut shut|
sing sang sung|sink sank sunk|sit sat sat|slay slew slain|sleep slept slept|slide slid slid|sling slung slung|
smell smelt smelt|speak spoke spoken|spend spent spent|spin spun spun|spring sprang sprung|stand stood stood|
steal stole stolen|stick stuck stuck|sting stung stung|stride strode stridden|strike struck struck|strive strove striven|
swear swore sworn|sweep swept swept|swim swam swum|swing swung swung|take took taken|teach taught taught|
tear tore torn|tell told told|think thought thought|throw threw thrown|tread trod trodden|understand understood understood|
wake woke woken|wear wore worn|weave wove woven|weep wept wept|win won won|wind wound wound|wring wrung wrung|
write wrote written|overcome overcame overcome|undertake undertook undertaken|withdraw withdrew withdrawn|
mistake mistook mistaken|foresee foresaw foreseen|befall befell befallen|behold beheld beheld|forsake forsook forsaken`

// derivedPairs lists nouns and adjectives that questions and stories use
// for the same event as a verb: "How many died?" and "50 deaths".
const derivedPairs = `die death deaths dead|arrive arrival|marry marriage|decide decision|choose choice|believe belief|
lose loss|fail failure|depart departure|refuse refusal|approve approval|survive survival|deny denial|bury burial|
propose proposal|succeed success|kill killing|injure injury injuries|
steal theft|flee flight|punish punishment|please pleasure|
fear afraid|anger angry|marry wedding|advise advice|invite invitation|
enter entrance|protect protection|destroy destruction|explain explanation|inform information|describe description|
respond response|react reaction|conclude conclusion|pursue pursuit`

// Irregular returns a filter that maps the past and participle forms of
// common English irregular verbs to their base form ("went" → "go",
// "caught" → "catch"), and a few nouns to the verb of the same event
// ("deaths" → "die"); other words pass unchanged. Use it before Stem. It
// is safe for concurrent use.
func Irregular() Filter {
	forms := map[string]string{}
	for _, entry := range strings.Split(irregularPairs+"|"+derivedPairs, "|") {
		f := strings.Fields(entry)
		if len(f) < 2 {
			continue
		}
		for _, w := range f[1:] {
			if w != f[0] {
				if _, dup := forms[w]; !dup {
					forms[w] = f[0]
				}
			}
		}
	}
	// forms that are more often other words ("the ground", "a wound")
	for _, w := range []string{"lay", "ground", "lit", "wound", "bound"} {
		delete(forms, w)
	}
	return func(t string) string {
		if b, ok := forms[t]; ok {
			return b
		}
		return t
	}
}
