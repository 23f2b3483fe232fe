package summary

import (
	"fmt"
	"regexp"
	"sort"
	"storybot/internal/reldate"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// date is a calendar date known to some precision: Y, M and D are 0 when
// unknown. A date with M and D but no Y is a "July 15" whose year could not
// be determined.
type date struct{ Y, M, D int }

// String renders the normalised date: "2022-07-15", "2022-07", "1978", or ""
// when the year is unknown.
func (d date) String() string {
	switch {
	case d.Y == 0:
		return ""
	case d.M == 0:
		return fmt.Sprintf("%04d", d.Y)
	case d.D == 0:
		return fmt.Sprintf("%04d-%02d", d.Y, d.M)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
	}
}

// precision is how much of a date a mention states: 1 year, 2 month, 3 day.
func (d date) precision() int {
	switch {
	case d.D != 0:
		return 3
	case d.M != 0:
		return 2
	case d.Y != 0:
		return 1
	}
	return 0
}

// less orders dates by what is known: resolved dates chronologically, a
// year before the months of that year and a month before its days; dates
// without a year after every resolved one, by month and day.
func (d date) less(o date) bool {
	if (d.Y == 0) != (o.Y == 0) {
		return d.Y != 0
	}
	if d.Y != o.Y {
		return d.Y < o.Y
	}
	if d.Y == 0 && (d.M == 0) != (o.M == 0) {
		return d.M != 0 // a bare weekday says least of all
	}
	if d.M != o.M {
		return d.M < o.M
	}
	return d.D < o.D
}

// parseISODate parses "YYYY-MM-DD"; ok is false for anything else.
func parseISODate(s string) (date, bool) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return date{}, false
	}
	return date{t.Year(), int(t.Month()), t.Day()}, true
}

// dateMention is one date found in a sentence.
type dateMention struct {
	Text       string // as written: "20 June 1981", "July 15", "Wednesday"
	Start, End int    // byte offsets in the sentence
	Date       date   // normalised as far as it can be
	explicitY  bool   // the year is written in the mention itself
	kind       int    // which pattern found it (index into datePatterns)
}

// Resolved reports whether the mention's year is known.
func (m dateMention) Resolved() bool { return m.Date.Y != 0 }

const monthNames = `(?:January|February|March|April|May|June|July|August|September|October|November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.`

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

func monthNum(s string) int { return months[strings.ToLower(s[:3])] }

// Pattern kinds, in the order they are tried: earlier ones win overlaps.
const (
	kindISO = iota
	kindDMY
	kindMDY
	kindMY
	kindDM
	kindMD
	kindYear
	kindRelative // "on Wednesday", "yesterday" (reldate)
	kindMonth
)

var datePatterns = []*regexp.Regexp{
	kindISO:      regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`),
	kindDMY:      regexp.MustCompile(`\b([0-3]?\d)(?:st|nd|rd|th)? (?:of )?(` + monthNames + `),? (\d{4})\b`),
	kindMDY:      regexp.MustCompile(`(?:\b|^)(` + monthNames + `) ([0-3]?\d)(?:st|nd|rd|th)?,? (\d{4})\b`),
	kindMY:       regexp.MustCompile(`(?:\b|^)(` + monthNames + `),? (?:of )?(\d{4})\b`),
	kindDM:       regexp.MustCompile(`\b([0-3]?\d)(?:st|nd|rd|th)? (?:of )?(` + monthNames + `)`),
	kindMD:       regexp.MustCompile(`(?:\b|^)(` + monthNames + `) ([0-3]?\d)(?:st|nd|rd|th)?\b`),
	kindYear:     regexp.MustCompile(`\b(1[5-9]\d\d|20\d\d)\b`),
	kindRelative: reldate.Pattern,
	kindMonth:    regexp.MustCompile(`(?:\b(?i:(early|late|mid|in|since|until|by|of|last|next|this|from|through|during)) |\bmid-)?(` + monthNames + `)`),
}

// notAfterYear are words that show a four-digit number is a count, not a
// year ("1500 troops").
var notAfterYear = regexp.MustCompile(`^ ?(?i:people|persons|members|troops|soldiers|men|women|children|km|kilometres|kilometers|metres|meters|m|ft|feet|miles|kg|tonnes|tons|deaths|dead|injured|arrested|votes|seats|units|copies|cases|hours|days|years|months|pages|words|yards|points|acres|hectares|students|employees|workers|square|cubic|residents|inhabitants|households|vehicles|cars|ships|aircraft|times)\b`)

// findDates returns the dates mentioned in sentence s, in the order written.
// ref is the document's date (zero when it has none): relative mentions ("on
// Wednesday") resolve against it, and so do dates written without a year
// ("July 15") unless the sentence itself states a year before them. Mentions
// whose year cannot be determined are returned with Date.Y == 0.
func findDates(s string, ref date) []dateMention {
	taken := make([]bool, len(s)+1)
	var out []dateMention
	free := func(a, b int) bool {
		for i := a; i < b; i++ {
			if taken[i] {
				return false
			}
		}
		return true
	}
	digit := strings.ContainsAny(s, "0123456789")
	month := hasMonth(s)
	for kind, re := range datePatterns {
		switch kind {
		case kindISO, kindYear:
			if !digit {
				continue
			}
		case kindDMY, kindMDY, kindMY, kindDM, kindMD:
			if !digit || !month {
				continue
			}
		case kindMonth:
			if !month {
				continue
			}
		case kindRelative:
			if !strings.Contains(s, "day") && !strings.Contains(s, "orrow") { // weekdays, "yesterday", "tomorrow"
				continue
			}
		}
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			a, b := m[0], m[1]
			sub := func(i int) string {
				if m[2*i] < 0 {
					return ""
				}
				return s[m[2*i]:m[2*i+1]]
			}
			var d date
			explicitY := false
			switch kind {
			case kindISO:
				y, _ := strconv.Atoi(sub(1))
				mo, _ := strconv.Atoi(sub(2))
				dd, _ := strconv.Atoi(sub(3))
				d, explicitY = date{y, mo, dd}, true
			case kindDMY:
				y, _ := strconv.Atoi(sub(3))
				dd, _ := strconv.Atoi(sub(1))
				d, explicitY = date{y, monthNum(sub(2)), dd}, true
			case kindMDY:
				y, _ := strconv.Atoi(sub(3))
				dd, _ := strconv.Atoi(sub(2))
				d, explicitY = date{y, monthNum(sub(1)), dd}, true
			case kindMY:
				y, _ := strconv.Atoi(sub(2))
				d, explicitY = date{y, monthNum(sub(1)), 0}, true
			case kindDM:
				dd, _ := strconv.Atoi(sub(1))
				d = date{0, monthNum(sub(2)), dd}
			case kindMD:
				dd, _ := strconv.Atoi(sub(2))
				if b < len(s) && (s[b] == ':' || s[b] == '.' && b+1 < len(s) && isDigitByte(s[b+1])) {
					continue // "May 5:30", "June 2.5"
				}
				d = date{0, monthNum(sub(1)), dd}
			case kindYear:
				if !plausibleYear(s, a, b) {
					continue
				}
				y, _ := strconv.Atoi(sub(1))
				d, explicitY = date{y, 0, 0}, true
			case kindRelative:
				d = date{} // resolved below
			case kindMonth:
				name := sub(2)
				prep := sub(1)
				if (name == "May" || name == "March" || name == "August") && prep == "" && !strings.HasPrefix(s[a:b], "mid-") {
					continue // a verb or an adjective more often than a month
				}
				if prep != "" && !strings.EqualFold(prep, "early") && !strings.EqualFold(prep, "late") && !strings.EqualFold(prep, "mid") {
					a = m[4] // keep "in", "since", ... out of the text as written
				}
				d = date{0, monthNum(name), 0}
			}
			if !free(a, b) {
				continue
			}
			if d.M != 0 && (d.M < 1 || d.M > 12) || d.D != 0 && !validDay(d) {
				continue
			}
			for i := a; i < b; i++ {
				taken[i] = true
			}
			out = append(out, dateMention{Text: strings.TrimSpace(s[a:b]), Start: a, End: b, Date: d, explicitY: explicitY, kind: kind})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	// resolve years and relative days
	for i := range out {
		m := &out[i]
		switch m.kind {
		case kindRelative:
			if ref.Y != 0 {
				m.Date = resolveRelative(strings.ToLower(s[m.Start:m.End]), ref)
			}
		case kindDM, kindMD, kindMonth:
			if y := yearBefore(out, i); y != 0 {
				m.Date.Y = y
			} else if ref.Y != 0 {
				m.Date.Y = inferYear(m.Date, ref)
			}
			if m.Date.D != 0 && m.Date.Y != 0 && !validDay(m.Date) {
				m.Date.Y = 0 // "29 February" in a year without one
			}
		}
	}
	return out
}

// hasMonth reports whether s may name a month: a cheap test before the
// patterns run.
func hasMonth(s string) bool {
	for _, m := range [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// plausibleYear rejects four-digit numbers that are amounts or counts, or
// part of a name ("2019-nCoV").
func plausibleYear(s string, a, b int) bool {
	if a > 0 && strings.ContainsRune("$£€#", rune(s[a-1])) {
		return false
	}
	if a >= 2 && (s[a-1] == ',' || s[a-1] == '.') && isDigitByte(s[a-2]) {
		return false
	}
	if b < len(s) {
		if s[b] == '%' || (s[b] == ',' || s[b] == '.') && b+1 < len(s) && isDigitByte(s[b+1]) {
			return false
		}
		if strings.HasPrefix(s[b:], " percent") || strings.HasPrefix(s[b:], " per cent") {
			return false
		}
		if notAfterYear.MatchString(s[b:]) {
			return false
		}
		if r, _ := utf8.DecodeRuneInString(s[min(b+1, len(s)):]); s[b] == '-' && unicode.IsLetter(r) { // a name: "2019-nCoV"
			return false
		}
	}
	return true
}

// yearBefore is the year written in the nearest earlier mention of the same
// sentence, or 0.
func yearBefore(ms []dateMention, i int) int {
	for j := i - 1; j >= 0; j-- {
		if ms[j].explicitY {
			return ms[j].Date.Y
		}
	}
	return 0
}

// inferYear picks the year for a month (and day) written without one in a
// document dated ref: the document's year, or the year before when that
// would put the date more than two months after the document.
func inferYear(d date, ref date) int {
	day := d.D
	if day == 0 {
		day = 1
	}
	t := time.Date(ref.Y, time.Month(d.M), day, 0, 0, 0, 0, time.UTC)
	r := time.Date(ref.Y, time.Month(ref.M), ref.D, 0, 0, 0, 0, time.UTC)
	if t.After(r.AddDate(0, 2, 0)) {
		return ref.Y - 1
	}
	return ref.Y
}

// resolveRelative resolves "on Wednesday", "last Friday", "next Monday",
// "yesterday" and "tomorrow" against the document's date (reldate).
func resolveRelative(text string, ref date) date {
	t, ok := reldate.Resolve(text, time.Date(ref.Y, time.Month(ref.M), ref.D, 0, 0, 0, 0, time.UTC))
	if !ok {
		return ref
	}
	return date{t.Year(), int(t.Month()), t.Day()}
}

// validDay reports whether d's day exists in its month (any leap year when
// the year is unknown).
func validDay(d date) bool {
	if d.D < 1 || d.D > 31 || d.M < 1 || d.M > 12 {
		return false
	}
	y := d.Y
	if y == 0 {
		y = 2000
	}
	t := time.Date(y, time.Month(d.M), d.D, 0, 0, 0, 0, time.UTC)
	return t.Day() == d.D
}
