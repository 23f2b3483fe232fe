package summary

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"storybot/internal/golden"
	"storybot/internal/knowledge"
)

// councilDocs are two documents with one dated event a paragraph: a year
// from 1980 to 2019 each (1990 with a day), and two weekdays whose year is
// unknown.
func councilDocs() []*knowledge.Document {
	var a, b strings.Builder
	for y := 1980; y < 2020; y++ {
		w := &a
		if y%2 == 1 {
			w = &b
		}
		switch y {
		case 1990:
			fmt.Fprintf(w, "On 3 March %d the council voted to build the new harbour wall.\n\n", y)
		case 1991:
			fmt.Fprintf(w, "In %d the council met in the old town hall to plan the harbour.\n\nOn 9 May %d the harbour wall was finished and opened to ships.\n\n", y, y)
		default:
			fmt.Fprintf(w, "In %d the council met in the old town hall to plan the harbour.\n\n", y)
		}
	}
	a.WriteString("On Friday the ministers met to decide about the ferries.\n\n")
	b.WriteString("On Monday the ferry company answered the ministers.\n\n")
	return []*knowledge.Document{parseDoc(a.String(), "even.txt"), parseDoc(b.String(), "odd.txt")}
}

func TestTimelineMaxSpreadsTheDatedEvents(t *testing.T) {
	s := New(Options{Source: staticSource("v", councilDocs())})
	full, err := s.Timeline(context.Background(), TimelineRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Events) != 43 || full.Omitted != 0 {
		t.Fatalf("uncapped: %d events, %d omitted; want 43, 0", len(full.Events), full.Omitted)
	}
	tl, err := s.Timeline(context.Background(), TimelineRequest{Max: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Events) != 10 || tl.Omitted != 33 {
		t.Fatalf("Max 10: %d events, %d omitted; want 10, 33", len(tl.Events), tl.Omitted)
	}
	var dates []string
	for i, e := range tl.Events {
		dates = append(dates, e.Date)
		if e.Unresolved {
			t.Errorf("event %d (%s): an event without a year was kept while dated ones were left out", i, e.DateText)
		}
		if i > 0 && e.key.less(tl.Events[i-1].key) {
			t.Errorf("event %d (%s) out of date order", i, e.Date)
		}
		if len(e.Citations) != 1 || e.Citations[0].N != i+1 {
			t.Errorf("event %d: citations %+v, want [%d] (numbered over the kept events)", i, e.Citations, i+1)
		}
	}
	// One event from each run of about four of the 41 dated events: the
	// most precise one of its run (the days of 1990 and 1991 win over their
	// neighbours' years), else one from a document not shown yet (1985 from
	// odd.txt over 1984 from even.txt), else the run's first.
	want := "1980,1985,1990-03-03,1991-05-09,1995,1999,2003,2007,2011,2015"
	if got := strings.Join(dates, ","); got != want {
		t.Errorf("kept %s\nwant %s", got, want)
	}
	golden.Check(t, "testdata/council_timeline_max10.txt", FormatTimeline(tl))

	for _, n := range []int{0, -1, 43, 100} {
		got, _ := s.Timeline(context.Background(), TimelineRequest{Max: n})
		if len(got.Events) != 43 || got.Omitted != 0 {
			t.Errorf("Max %d: %d events, %d omitted; want all 43", n, len(got.Events), got.Omitted)
		}
	}
	// Too few dated events for the cap: the undated ones fill it.
	few := New(Options{Source: staticSource("v", []*knowledge.Document{parseDoc(
		"In 2014 the group settled near Durres.\n\nOn Friday the ministers met to decide.\n\nOn Monday the company answered them.\n\nIn 2022 the ties were cut for good.\n", "few.txt")})})
	got, _ := few.Timeline(context.Background(), TimelineRequest{Max: 3})
	if len(got.Events) != 3 || got.Omitted != 1 {
		t.Errorf("3 of 4 events with 2 dated: %d kept, %d omitted", len(got.Events), got.Omitted)
	}
}

func TestTimelineMaxSendsOnlyTheKeptEventsToTheModel(t *testing.T) {
	m := &fakeModel{complete: echoModel}
	s := New(Options{Source: staticSource("v", councilDocs()), Model: m, Prompts: defaultPrompts()})
	tl, err := s.Timeline(context.Background(), TimelineRequest{Max: 5})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, r := range m.requests() {
		sent += len(eventRe.FindAllString(r.Messages[len(r.Messages)-1].Content, -1))
	}
	if len(tl.Events) != 5 || sent != 5 || tl.Omitted != 38 {
		t.Errorf("Max 5: %d events kept, %d sent to the model, %d omitted; want 5, 5, 38", len(tl.Events), sent, tl.Omitted)
	}
	// The capped timeline is cached apart from the whole one.
	again, _ := s.Timeline(context.Background(), TimelineRequest{Max: 5})
	all, _ := s.Timeline(context.Background(), TimelineRequest{})
	if !again.Cached || len(again.Events) != 5 || all.Cached || len(all.Events) != 43 {
		t.Errorf("cache: capped again cached=%v with %d events; whole cached=%v with %d events", again.Cached, len(again.Events), all.Cached, len(all.Events))
	}
}

func TestTimelineMaxOverXquad(t *testing.T) {
	docs := xquadDocs(t)
	s := New(Options{Source: staticSource("v", docs)})
	full, _ := s.Timeline(context.Background(), TimelineRequest{})
	tl, err := s.Timeline(context.Background(), TimelineRequest{Max: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Events) != 20 || tl.Omitted != len(full.Events)-20 {
		t.Fatalf("%d events, %d omitted, of %d", len(tl.Events), tl.Omitted, len(full.Events))
	}
	docsShown := map[string]bool{}
	for i, e := range tl.Events {
		docsShown[e.Citations[0].Doc] = true
		if i > 0 && e.key.less(tl.Events[i-1].key) {
			t.Errorf("event %d (%s) out of date order", i, e.Date)
		}
	}
	// Event i comes from the i-th twentieth of the dated events.
	var dated []Event
	for _, e := range full.Events {
		if !e.Unresolved {
			dated = append(dated, e)
		}
	}
	for i, e := range tl.Events {
		found := false
		for _, d := range dated[i*len(dated)/20 : (i+1)*len(dated)/20] {
			found = found || (d.Text == e.Text && d.DateText == e.DateText)
		}
		if !found {
			t.Errorf("event %d (%s) is not from the %d-th twentieth of the timeline", i, e.Date, i+1)
		}
	}
	if len(docsShown) < 10 {
		t.Errorf("20 events from only %d documents", len(docsShown))
	}
}
