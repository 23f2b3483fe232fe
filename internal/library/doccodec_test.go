package library

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"storybot/internal/knowledge"
)

// If this fails, knowledge.Document or knowledge.Passage changed: save the
// new field in doccodec.go (and bump cacheFormat), then update the list.
func TestDocCodecCoversEveryField(t *testing.T) {
	fields := func(v any) string {
		var names []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			names = append(names, typ.Field(i).Name)
		}
		return strings.Join(names, ",")
	}
	if got, want := fields(knowledge.Document{}), "Path,Title,Date,Hash,Size,ModTime,Passages"; got != want {
		t.Errorf("knowledge.Document fields %s; the saved-index codec knows %s", got, want)
	}
	if got, want := fields(knowledge.Passage{}), "ID,Doc,Title,Section,Page,ParaStart,ParaEnd,StartLine,EndLine,Text"; got != want {
		t.Errorf("knowledge.Passage fields %s; the saved-index codec knows %s", got, want)
	}
}

func TestDocCodecRoundTrip(t *testing.T) {
	docs := []*knowledge.Document{
		{Path: "a.md", Title: "A", Date: "2022-09-07", Hash: "abc", Size: 42, ModTime: time.Unix(0, 1764000000123456789),
			Passages: []knowledge.Passage{
				{ID: "a1", Doc: "a.md", Title: "A", Section: "Intro", ParaStart: 1, ParaEnd: 2, StartLine: 1, EndLine: 4, Text: "Albania “cut” ties."},
				{ID: "a2", Doc: "other", Title: "Other title", Page: 3, ParaStart: 2, ParaEnd: 2, StartLine: -1, EndLine: 9, Text: ""},
			}},
		{Path: "empty.md"},
	}
	var b bytes.Buffer
	encodeDocs(&b, docs)
	got, err := decodeDocs(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(docs[0].Passages, got[0].Passages) || got[0].ModTime.UnixNano() != docs[0].ModTime.UnixNano() || got[0].Size != 42 || got[1].Path != "empty.md" {
		t.Fatalf("round trip differs:\n%+v\n%+v", docs[0], got[0])
	}
	for cut := range b.Len() {
		if _, err := decodeDocs(b.Bytes()[:cut]); err == nil {
			t.Fatalf("truncated at %d: no error", cut)
		}
	}
}

func FuzzDecodeDocs(f *testing.F) {
	var b bytes.Buffer
	encodeDocs(&b, []*knowledge.Document{{Path: "a.md", Passages: []knowledge.Passage{{ID: "x", Text: "t"}}}})
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := decodeDocs(data)
		if err != nil {
			return
		}
		var again bytes.Buffer
		encodeDocs(&again, docs)
		if _, err := decodeDocs(again.Bytes()); err != nil {
			t.Fatal(err)
		}
	})
}
