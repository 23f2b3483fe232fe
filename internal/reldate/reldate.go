// Package reldate resolves the days a dated document names relative to its
// date, as news does: "on Wednesday", "last Friday", "next Monday",
// "yesterday", "tomorrow". The timeline dates its events by it
// (internal/summary) and the offline answer says which day such a word is
// (internal/answer).
package reldate

import (
	"regexp"
	"strings"
	"time"
)

// Pattern finds a relative day in text: group 1 and 2 a weekday and the
// word before it ("on", "last", "next", "this", "past"), group 3
// "yesterday" or "tomorrow".
var Pattern = regexp.MustCompile(`\b(?:(?i:(on|last|next|this|past)) )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(?i:(yesterday|tomorrow))\b`)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// Resolve returns the day that text (a match of Pattern) names, relative
// to the document's date ref. A plain or "on" weekday is the latest such
// day on or before ref, as news reports past events; "last" and "past" the
// one before ref, "next" the one after. ok is false when text names no
// day.
func Resolve(text string, ref time.Time) (day time.Time, ok bool) {
	f := strings.Fields(strings.ToLower(text))
	if len(f) == 0 {
		return time.Time{}, false
	}
	r := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC)
	switch last := f[len(f)-1]; last {
	case "yesterday":
		return r.AddDate(0, 0, -1), true
	case "tomorrow":
		return r.AddDate(0, 0, 1), true
	default:
		wd, ok := weekdays[last]
		if !ok {
			return time.Time{}, false
		}
		diff := int(r.Weekday()-wd+7) % 7 // days back to the latest such day
		switch f[0] {
		case "next":
			ahead := (int(wd-r.Weekday()) + 7) % 7
			if ahead == 0 {
				ahead = 7
			}
			return r.AddDate(0, 0, ahead), true
		case "last", "past":
			if diff == 0 {
				diff = 7
			}
			return r.AddDate(0, 0, -diff), true
		}
		return r.AddDate(0, 0, -diff), true
	}
}
