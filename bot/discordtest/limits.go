package discordtest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Discord's limits on what a message, an autocomplete reply and a thread
// may hold, in characters (https://discord.com/developers/docs/resources/message#embed-object-embed-limits,
// .../interactions/message-components, .../interactions/application-commands#autocomplete).
const (
	MaxContent        = 2000
	MaxEmbeds         = 10
	MaxEmbedTotal     = 6000 // title, description, field names and values, footer text and author name of all the embeds of one message
	MaxEmbedTitle     = 256
	MaxEmbedDesc      = 4096
	MaxEmbedFields    = 25
	MaxFieldName      = 256
	MaxFieldValue     = 1024
	MaxFooterText     = 2048
	MaxAuthorName     = 256
	MaxActionRows     = 5
	MaxRowComponents  = 5
	MaxButtonLabel    = 80
	MaxCustomID       = 100
	MaxChoices        = 25
	MaxChoiceName     = 100
	MaxChoiceValue    = 100
	MaxThreadNameSize = 100
)

// formErrors collects the errors of one request body in Discord's nested
// shape: {"embeds": {"0": {"title": {"_errors": [{code, message}]}}}}.
type formErrors struct {
	tree  map[string]any
	flat  []string // "embeds.0.title: Must be 256 or fewer in length.", for test failures
	count int
}

func (f *formErrors) add(path []string, code, msg string) {
	if f.tree == nil {
		f.tree = map[string]any{}
	}
	node := f.tree
	for _, p := range path {
		next, ok := node[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[p] = next
		}
		node = next
	}
	list, _ := node["_errors"].([]any)
	node["_errors"] = append(list, map[string]any{"code": code, "message": msg})
	f.flat = append(f.flat, strings.Join(path, ".")+": "+msg)
	f.count++
}

// maxLen checks that the string at path is at most max characters.
func (f *formErrors) maxLen(v any, max int, path ...string) int {
	s, _ := v.(string)
	n := utf8.RuneCountInString(s)
	if n > max {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max))
	}
	return n
}

func (f *formErrors) maxItems(list []any, max int, path ...string) {
	if len(list) > max {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max))
	}
}

func join(prefix []string, more ...string) []string {
	return append(append([]string{}, prefix...), more...)
}

// checkMessage checks a message body (content, embeds, components) found at
// prefix ("data" for an interaction callback).
func (f *formErrors) checkMessage(m map[string]any, prefix ...string) {
	if m == nil {
		return
	}
	f.maxLen(m["content"], MaxContent, join(prefix, "content")...)
	embeds, _ := m["embeds"].([]any)
	f.maxItems(embeds, MaxEmbeds, join(prefix, "embeds")...)
	total := 0
	for i, e := range embeds {
		em, _ := e.(map[string]any)
		p := join(prefix, "embeds", strconv.Itoa(i))
		total += f.maxLen(em["title"], MaxEmbedTitle, join(p, "title")...)
		total += f.maxLen(em["description"], MaxEmbedDesc, join(p, "description")...)
		if ft, ok := em["footer"].(map[string]any); ok {
			total += f.maxLen(ft["text"], MaxFooterText, join(p, "footer", "text")...)
		}
		if au, ok := em["author"].(map[string]any); ok {
			total += f.maxLen(au["name"], MaxAuthorName, join(p, "author", "name")...)
		}
		fields, _ := em["fields"].([]any)
		f.maxItems(fields, MaxEmbedFields, join(p, "fields")...)
		for j, fl := range fields {
			fm, _ := fl.(map[string]any)
			fp := join(p, "fields", strconv.Itoa(j))
			total += f.maxLen(fm["name"], MaxFieldName, join(fp, "name")...)
			total += f.maxLen(fm["value"], MaxFieldValue, join(fp, "value")...)
		}
	}
	if total > MaxEmbedTotal {
		f.add(join(prefix, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", MaxEmbedTotal))
	}
	rows, _ := m["components"].([]any)
	f.maxItems(rows, MaxActionRows, join(prefix, "components")...)
	for i, r := range rows {
		row, _ := r.(map[string]any)
		comps, _ := row["components"].([]any)
		p := join(prefix, "components", strconv.Itoa(i), "components")
		f.maxItems(comps, MaxRowComponents, p...)
		for j, c := range comps {
			cm, _ := c.(map[string]any)
			f.maxLen(cm["label"], MaxButtonLabel, join(p, strconv.Itoa(j), "label")...)
			f.maxLen(cm["custom_id"], MaxCustomID, join(p, strconv.Itoa(j), "custom_id")...)
		}
	}
}

// checkChoices checks an autocomplete reply's choices.
func (f *formErrors) checkChoices(data map[string]any) {
	choices, _ := data["choices"].([]any)
	f.maxItems(choices, MaxChoices, "data", "choices")
	for i, c := range choices {
		cm, _ := c.(map[string]any)
		p := []string{"data", "choices", strconv.Itoa(i)}
		f.maxLen(cm["name"], MaxChoiceName, join(p, "name")...)
		if v, ok := cm["value"].(string); ok {
			f.maxLen(v, MaxChoiceValue, join(p, "value")...)
		}
	}
}

// checkBody returns the limits the body of a request on route breaks.
func checkBody(route string, body map[string]any) formErrors {
	var f formErrors
	switch route {
	case "callback":
		data, _ := body["data"].(map[string]any)
		if t, _ := body["type"].(float64); t == 8 {
			f.checkChoices(data)
		} else {
			f.checkMessage(data, "data")
		}
	case "thread":
		f.maxLen(body["name"], MaxThreadNameSize, "name")
	default:
		f.checkMessage(body)
	}
	return f
}

// limited wraps a route whose body Discord validates: a body that breaks
// one of the limits above is answered 400 with Discord's error (code 50035,
// "Invalid Form Body", the errors nested by field) and, unless StrictLimits
// is off, fails the test, so that an overflow cannot pass unnoticed.
func (s *Server) limited(route string, h func(w http.ResponseWriter, r *http.Request, rec Request)) func(w http.ResponseWriter, r *http.Request, rec Request) {
	return func(w http.ResponseWriter, r *http.Request, rec Request) {
		f := checkBody(route, rec.JSON())
		if f.count == 0 {
			h(w, r, rec)
			return
		}
		sort.Strings(f.flat)
		s.mu.Lock()
		s.rejected = append(s.rejected, rec)
		strict := s.StrictLimits
		s.mu.Unlock()
		if strict {
			s.t.Errorf("discordtest: Discord would reject %s %s with 400: %s", rec.Method, rec.Path, strings.Join(f.flat, "; "))
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body", "errors": f.tree})
	}
}

// Rejected returns the requests answered 400 because they broke a limit.
func (s *Server) Rejected() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.rejected...)
}
