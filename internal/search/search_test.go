package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"storybot/internal/knowledge"
	"storybot/internal/textan"
)

const storyFile = "../../knowledge/Albania-cuts-ties-with-Iran-2022-09-07.txt"

func storyDocs(t testing.TB) []*knowledge.Document {
	t.Helper()
	data, err := os.ReadFile(storyFile)
	if err != nil {
		t.Fatal(err)
	}
	d, err := knowledge.Parse(context.Background(), "story.txt", data, knowledge.Options{PassageChars: 400})
	if err != nil {
		t.Fatal(err)
	}
	return []*knowledge.Document{d}
}

func doc(path, title string, paras ...string) *knowledge.Document {
	d := &knowledge.Document{Path: path, Title: title, Hash: "h-" + path}
	for i, p := range paras {
		d.Passages = append(d.Passages, knowledge.Passage{ID: fmt.Sprintf("%s-%d", path, i), Doc: path, Title: title, ParaStart: i + 1, ParaEnd: i + 1, StartLine: 2*i + 1, EndLine: 2*i + 1, Text: p})
	}
	return d
}

func build(t testing.TB, docs []*knowledge.Document, opts Options) *Index {
	t.Helper()
	ix, err := Build(context.Background(), docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestSearchStory(t *testing.T) {
	ix := build(t, storyDocs(t), Options{})
	ctx := context.Background()
	tests := []struct {
		query, want string // want: text the top passage contains
	}{
		{"Where did the MEK members settle in Albania?", "settled in a camp near Durres"},
		{"Durrës", "Durres"},
		{"Who announced that Albania was ending diplomatic relations with Iran?", "Edi Rama"},
		{"How did the White House describe the cyberattack?", "reckless and irresponsible"},
		{"How many people were arrested after the 20 June 1981 protests?", "1000"},
		{"Which norm did the United States say the attack violated?", "peacetime norm"},
		{"IRAN’S", "Iran"},
	}
	for _, tc := range tests {
		hits, err := ix.Search(ctx, tc.query, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || !strings.Contains(hits[0].Passage.Text, tc.want) {
			t.Errorf("%q: top passage does not contain %q: %+v", tc.query, tc.want, hits)
			continue
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("%q: hits not in score order", tc.query)
			}
		}
	}
}

func TestSearchEdgeCases(t *testing.T) {
	ix := build(t, storyDocs(t), Options{})
	ctx := context.Background()
	for _, q := range []string{"the of and", "?!…", "", "   "} {
		hits, err := ix.Search(ctx, q, 5)
		if err != nil || len(hits) != 0 || hits == nil {
			t.Errorf("%q: hits %v err %v, want an empty slice and no error", q, hits, err)
		}
	}
	if hits, _ := ix.Search(ctx, "Iran", 0); len(hits) != 0 {
		t.Errorf("k=0 gave %d hits", len(hits))
	}
	if hits, _ := ix.Search(ctx, "Iran", 1000); len(hits) < 5 || len(hits) >= len(ix.passages) {
		t.Errorf("k=1000 gave %d hits, want the passages that mention Iran (of %d)", len(hits), len(ix.passages))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.Search(cancelled, "Iran", 3); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	var nilIx *Index
	if _, err := nilIx.Search(ctx, "Iran", 3); !errors.Is(err, ErrNoIndex) {
		t.Errorf("nil index: %v", err)
	}
	empty := build(t, nil, Options{})
	if hits, err := empty.Search(ctx, "Iran", 3); err != nil || len(hits) != 0 {
		t.Errorf("empty index: %v %v", hits, err)
	}
}

func TestMatch(t *testing.T) {
	ix := build(t, []*knowledge.Document{
		doc("a.txt", "A", "Albania cut ties with Iran after the cyberattack.", "The weather in Tirana was sunny."),
		doc("b.txt", "B", "Football results from the weekend."),
	}, Options{})
	ctx := context.Background()
	hits, _ := ix.Search(ctx, "Albania Iran cyberattack", 3)
	if len(hits) != 1 || hits[0].Match != 1 {
		t.Fatalf("all terms: %+v", hits)
	}
	hits, _ = ix.Search(ctx, "Albania zebra", 3)
	if len(hits) != 1 || hits[0].Match <= 0 || hits[0].Match >= 1 {
		t.Fatalf("half the terms: %+v", hits)
	}
	rare, _ := ix.Search(ctx, "cyberattack weather", 3)
	if len(rare) != 2 || rare[0].Match <= 0 || rare[0].Match >= 1 {
		t.Fatalf("two passages with one term each: %+v", rare)
	}
	hits, _ = ix.Search(ctx, "zebra giraffe", 3)
	if len(hits) != 0 {
		t.Fatalf("unknown terms: %+v", hits)
	}
}

func TestTitleAndSectionWeighted(t *testing.T) {
	a := doc("a.txt", "Embassy closure", "The staff left the building on Wednesday.")
	b := doc("b.txt", "Weather", "The staff left the building on Thursday.")
	ix := build(t, []*knowledge.Document{a, b}, Options{})
	hits, _ := ix.Search(context.Background(), "embassy staff", 2)
	if len(hits) != 2 || hits[0].Passage.Doc != "a.txt" {
		t.Fatalf("title match should rank first: %+v", hits)
	}
	noTitle := build(t, []*knowledge.Document{a, b}, Options{TitleWeight: -1})
	hits, _ = noTitle.Search(context.Background(), "embassy staff", 2)
	if len(hits) != 2 || hits[0].Score != hits[1].Score {
		t.Fatalf("without title weight the passages tie: %+v", hits)
	}
}

func TestProximity(t *testing.T) {
	near := doc("near.txt", "N", "The diplomatic relations ended today, and many other words follow here to pad the text.")
	far := doc("far.txt", "F", "The relations were calm, many other words follow here to pad the text, diplomatic staff.")
	ix := build(t, []*knowledge.Document{far, near}, Options{DocWeight: -1})
	hits, _ := ix.Search(context.Background(), "diplomatic relations", 2)
	if len(hits) != 2 || hits[0].Passage.Doc != "near.txt" {
		t.Fatalf("adjacent terms should rank first: %+v", hits)
	}
}

// TestProximityWide checks the second, sentence-sized window: terms a
// clause apart beat terms a paragraph apart, and only because of it.
func TestProximityWide(t *testing.T) {
	pad := func(n int) string { return strings.Repeat("word ", n) }
	// the same terms and length; only the distance between the two differs
	far := doc("far.txt", "F", "embassy "+pad(30)+"closure "+pad(8))
	clause := doc("clause.txt", "C", "embassy "+pad(8)+"closure "+pad(30))
	rankedFirstOnlyBecauseOf(t, []*knowledge.Document{far, clause}, "embassy closure", "clause.txt",
		Options{DocWeight: -1}, Options{DocWeight: -1, ProxWideWeight: -1}, "terms within the wide window", "the wide window")
}

// TestPhrase checks the phrase feature: the query's words next to each other
// in its order beat the same words reversed, and only because of it.
func TestPhrase(t *testing.T) {
	ordered := doc("ordered.txt", "O", "They cut diplomatic relations with Iran on Wednesday.")
	reversed := doc("reversed.txt", "R", "They cut relations diplomatic with Iran on Wednesday.")
	rankedFirstOnlyBecauseOf(t, []*knowledge.Document{reversed, ordered}, "diplomatic relations", "ordered.txt",
		Options{DocWeight: -1}, Options{DocWeight: -1, PhraseWeight: -1}, "the phrase in order", "the phrase weight")
}

// rankedFirstOnlyBecauseOf checks that, of two passages, query ranks
// first's above the other's with the options on (why names what puts it
// first) and that the two tie with off (without names what off leaves out).
func rankedFirstOnlyBecauseOf(t *testing.T, docs []*knowledge.Document, query, first string, on, off Options, why, without string) {
	t.Helper()
	hits, _ := build(t, docs, on).Search(context.Background(), query, 2)
	if len(hits) != 2 || hits[0].Passage.Doc != first || hits[0].Score <= hits[1].Score {
		t.Fatalf("%s should rank first: %+v", why, hits)
	}
	hits, _ = build(t, docs, off).Search(context.Background(), query, 2)
	if len(hits) != 2 || hits[0].Score != hits[1].Score {
		t.Fatalf("without %s the passages tie: %+v", without, hits)
	}
}

// TestDocDecay checks that further passages of one document give way to
// another document's best passage once their decayed score falls below it.
func TestDocDecay(t *testing.T) {
	a := doc("a.txt", "A", "The embassy closure was announced today.", "The embassy closure was reported later.", "The embassy closure was confirmed at noon.")
	b := doc("b.txt", "B", "The closure of the building on Wednesday.")
	docs := []*knowledge.Document{a, b}
	ctx := context.Background()
	off := build(t, docs, Options{DocWeight: -1, DocDecay: -1})
	hits, _ := off.Search(ctx, "embassy closure", 2)
	if len(hits) != 2 || hits[1].Passage.Doc != "a.txt" {
		t.Fatalf("without decay the second passage of a.txt is second: %+v", hits)
	}
	order := func(hits []Hit) []int {
		var ps []int
		for _, h := range hits {
			if h.Passage.Doc == "a.txt" {
				ps = append(ps, h.Passage.ParaStart)
			}
		}
		return ps
	}
	plain := build(t, docs, Options{DocWeight: -1, DocDecay: -1, ProxWeight: -1, ProxWideWeight: -1, PhraseWeight: -1})
	before, _ := plain.Search(ctx, "embassy closure", 4)
	strong := build(t, docs, Options{DocWeight: -1, DocDecay: 0.2, ProxWeight: -1, ProxWideWeight: -1, PhraseWeight: -1})
	hits, _ = strong.Search(ctx, "embassy closure", 4)
	if len(hits) != 4 || hits[0].Passage.Doc != "a.txt" || hits[1].Passage.Doc != "b.txt" {
		t.Fatalf("with decay b.txt's passage should come second: %+v", hits)
	}
	if a, b := order(before), order(hits); !reflect.DeepEqual(a, b) {
		t.Fatalf("a.txt's passages in order %v without decay, %v with it", a, b)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Score > hits[i-1].Score {
			t.Fatalf("hits not in score order: %+v", hits)
		}
	}
}

func TestCutQuery(t *testing.T) {
	q := strings.Repeat("ab ", 1000) // 3000 chars
	cut, ok := CutQuery(q)
	if !ok || len([]rune(cut)) > MaxQueryChars || len(cut) < MaxQueryChars-100 {
		t.Fatalf("cut to %d chars, %v", len(cut), ok)
	}
	if got, ok := CutQuery("short query"); ok || got != "short query" {
		t.Fatalf("short query changed: %q %v", got, ok)
	}
	long := strings.Repeat("ë", 2500)
	if cut, ok := CutQuery(long); !ok || len([]rune(cut)) != MaxQueryChars {
		t.Fatalf("runes: %d", len([]rune(cut)))
	}
	ix := build(t, storyDocs(t), Options{})
	hits, err := ix.Search(context.Background(), "Durres "+q, 3)
	if err != nil || len(hits) == 0 {
		t.Fatalf("long query: %v %v", hits, err)
	}
}

func TestConcurrentSearch(t *testing.T) {
	ix := build(t, storyDocs(t), Options{})
	queries := []string{"MEK Durres", "cyberattack White House", "Edi Rama", "1981 protests", "Tirana embassy"}
	want := map[string]string{}
	for _, q := range queries {
		hits, _ := ix.Search(context.Background(), q, 3)
		want[q] = fmt.Sprint(hits)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 50; i++ {
				q := queries[(g+i)%len(queries)]
				hits, err := ix.Search(context.Background(), q, 3)
				if err != nil || fmt.Sprint(hits) != want[q] {
					t.Errorf("%q: concurrent result differs", q)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestIndexRoundTrip(t *testing.T) {
	docs := append(storyDocs(t), doc("b.txt", "Other", "Football results.", "Iran beat Wales."))
	ix := build(t, docs, Options{})
	var buf bytes.Buffer
	n, err := ix.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: %d %v", n, err)
	}
	saved := buf.Bytes()
	back, err := ReadIndex(bytes.NewReader(saved), docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"MEK Durres", "Iran football", "cyberattack", "the"} {
		a, _ := ix.Search(context.Background(), q, 5)
		b, _ := back.Search(context.Background(), q, 5)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%q: results differ after reload:\n%v\n%v", q, a, b)
		}
	}
	if ix.Stats() != back.Stats() {
		t.Errorf("stats %+v vs %+v", ix.Stats(), back.Stats())
	}
	// the reloaded index holds exactly what was built
	for name, pair := range map[string][2]any{
		"terms":  {ix.terms, back.terms},
		"pass":   {ix.pass, back.pass},
		"doc":    {ix.doc, back.doc},
		"seq":    {ix.seq, back.seq},
		"seqOff": {ix.seqOff, back.seqOff},
		"pdoc":   {ix.pdoc, back.pdoc},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s differs after reload", name)
		}
	}

	// every damaged or foreign file is refused
	bad := map[string][]byte{
		"empty":     nil,
		"foreign":   []byte("PK\x03\x04 this is a zip file, not an index at all........"),
		"truncated": saved[:len(saved)/2],
		"flipped":   flip(saved, len(saved)/2),
		"version":   func() []byte { b := bytes.Clone(saved); b[16]++; return b }(),
		"trailing":  append(bytes.Clone(saved), 0),
	}
	for name, data := range bad {
		if _, err := ReadIndex(bytes.NewReader(data), docs, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err %v, want ErrCorrupt", name, err)
		}
		if _, err := DecodeIndex(data, docs, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: DecodeIndex: err %v, want ErrCorrupt", name, err)
		}
	}
	// DecodeIndex reads the same index from memory
	mem, err := DecodeIndex(saved, docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(mem.terms, back.terms) || !reflect.DeepEqual(mem.pass, back.pass) || !reflect.DeepEqual(mem.seq, back.seq) {
		t.Error("DecodeIndex and ReadIndex differ")
	}
	// an index over other documents is stale
	other := append(storyDocs(t), doc("b.txt", "Other", "Football results.", "Iran beat England."))
	other[1].Hash = "changed"
	if _, err := ReadIndex(bytes.NewReader(saved), other, Options{}); !errors.Is(err, ErrStale) {
		t.Errorf("changed doc: %v, want ErrStale", err)
	}
	if _, err := ReadIndex(bytes.NewReader(saved), docs[:1], Options{}); !errors.Is(err, ErrStale) {
		t.Errorf("fewer docs: %v, want ErrStale", err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

// TestReadIndexVersion1: a file saved by the first format (terms as
// strings, tf as float32, sequences as varints per term) is refused, so the
// library rebuilds it instead of misreading it.
func TestReadIndexVersion1(t *testing.T) {
	data, err := os.ReadFile("testdata/index-v1.bin")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadIndex(bytes.NewReader(data), storyDocs(t), Options{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "format version 1") {
		t.Fatalf("err %v, want ErrCorrupt naming format version 1", err)
	}
}

func FuzzReadIndex(f *testing.F) {
	docs := []*knowledge.Document{doc("a.txt", "A", "Albania cut ties with Iran.", "The MEK settled near Durres.")}
	ix, err := Build(context.Background(), docs, Options{})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	ix.WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(indexMagic))
	f.Add(buf.Bytes()[20 : buf.Len()-12]) // a body, framed below
	f.Fuzz(func(t *testing.T, data []byte) {
		// as a file, and as a body framed with a valid header and
		// checksum, so that mutations reach the structure's checks
		for _, file := range [][]byte{data, framed(data)} {
			back, err := ReadIndex(bytes.NewReader(file), docs, Options{})
			mem, merr := DecodeIndex(file, docs, Options{})
			if (err == nil) != (merr == nil) || (err == nil && !reflect.DeepEqual(back.terms, mem.terms)) {
				t.Fatalf("ReadIndex (%v) and DecodeIndex (%v) disagree", err, merr)
			}
			if err != nil {
				continue
			}
			// whatever loads must be searchable without panics
			back.Search(context.Background(), "Albania MEK Durres", 3)
			back.Search(context.Background(), "Albanai settld", 3)
		}
	})
}

// framed wraps body in the index file's header and checksum.
func framed(body []byte) []byte {
	head, tail := header(), trailer(uint64(len(body)), crc32.Checksum(body, castagnoli))
	return append(append(head[:], body...), tail[:]...)
}

func FuzzSearch(f *testing.F) {
	for _, q := range []string{"Where did the MEK settle?", "Iran’s", "the", "", "3,000 members", "\xff\xfe", strings.Repeat("a ", 1500)} {
		f.Add(q, 3)
	}
	data, err := os.ReadFile(storyFile)
	if err != nil {
		f.Fatal(err)
	}
	d, err := knowledge.Parse(context.Background(), "story.txt", data, knowledge.Options{})
	if err != nil {
		f.Fatal(err)
	}
	ix, err := Build(context.Background(), []*knowledge.Document{d}, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string, k int) {
		k = k % 50
		hits, err := ix.Search(context.Background(), q, k)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > max(k, 0) {
			t.Fatalf("%d hits for k=%d", len(hits), k)
		}
		for _, h := range hits {
			if h.Match < 0 || h.Match > 1 || h.Passage == nil {
				t.Fatalf("bad hit %+v", h)
			}
		}
	})
}

func TestSpellingTolerance(t *testing.T) {
	docs := []*knowledge.Document{
		doc("eu.txt", "EU", "The Maastricht Treaty was signed in 1992.", "Mahatma Gandhi led a campaign of civil disobedience."),
		doc("x.txt", "X", "Unrelated text about rivers and mountains."),
	}
	ix := build(t, docs, Options{})
	for q, want := range map[string]string{"Maastrich treaty signed": "Maastricht", "Gandi campaign": "Gandhi"} {
		hits, err := ix.Search(context.Background(), q, 1)
		if err != nil || len(hits) != 1 || !strings.Contains(hits[0].Passage.Text, want) {
			t.Errorf("%q: %+v %v", q, hits, err)
		}
	}
	strict := build(t, docs, Options{Fuzzy: -1})
	if hits, _ := strict.Search(context.Background(), "Gandi", 1); len(hits) != 0 {
		t.Errorf("Fuzzy -1 still corrects: %+v", hits)
	}
	if hits, _ := ix.Search(context.Background(), "zzzzzzz", 1); len(hits) != 0 {
		t.Errorf("nonsense corrected: %+v", hits)
	}
}

// TestBuildWorkers: Options.Workers caps Build's goroutines and does not
// change the index.
func TestBuildWorkers(t *testing.T) {
	var docs []*knowledge.Document
	for i := range 40 {
		paras := make([]string, 30)
		for j := range paras {
			paras[j] = fmt.Sprintf("Passage %d of document %d about Albania, Iran and cyberattack number %d.", j, i, i*j)
		}
		docs = append(docs, doc(fmt.Sprintf("d%02d.txt", i), fmt.Sprintf("Doc %d", i), paras...))
	}
	var want []byte
	for _, w := range []int{0, 1, 3} {
		var buf bytes.Buffer
		if _, err := build(t, docs, Options{Workers: w}).WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = buf.Bytes()
		} else if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("Workers=%d: the index differs from Workers=0", w)
		}
	}

	for _, w := range []int{1, 2} {
		var mu sync.Mutex
		running, most := 0, 0
		err := parallelChunks(context.Background(), w, 5000, 16, func() int { return 0 }, func(_ int, _, _ int) {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			runtime.Gosched()
			mu.Lock()
			running--
			mu.Unlock()
		})
		if err != nil || most > w {
			t.Errorf("workers=%d: %d ran at once (err %v)", w, most, err)
		}
	}
}

// TestBuildMatchesReference checks Build's postings, lengths and proximity
// sequences against a plain map-based inversion of the same passages, on
// documents with sections, repeated words, stop words, a document without
// passages and titles that share words with the text.
func TestBuildMatchesReference(t *testing.T) {
	docs := storyDocs(t)
	docs = append(docs, doc("a.txt", "Iran and Albania", "Albania cut ties with Iran; Iran denied it. Albania’s prime minister spoke.", "The the the of and."), &knowledge.Document{Path: "empty.txt", Title: "Nothing here", Hash: "e"})
	docs = append(docs, doc("b.txt", "Second title title", "Durrës camp near Durres, 3,000 members.", "Members of the MEK; members again."))
	docs[len(docs)-1].Passages[1].Section = "Members section"
	for _, opts := range []Options{{}, {TitleWeight: 2.5, SectionWeight: 0.25}, {TitleWeight: -1, SectionWeight: -1}} {
		ix := build(t, docs, opts)
		o := ix.opts
		an := o.Analyzer
		ids := map[string]uint32{}
		id := func(t string) uint32 {
			if n, ok := ids[t]; ok {
				return n
			}
			ids[t] = uint32(len(ids))
			return ids[t]
		}
		type post struct {
			id uint32
			tf float32
		}
		plists := map[uint32][]post{}
		dtf := map[uint32]map[uint32]float32{} // term → doc → tf
		var seq []uint32
		plen := make([]float32, 0)
		dlen := make([]float32, len(docs))
		pi := uint32(0)
		for di, d := range docs {
			for k, p := range d.Passages {
				tf := map[uint32]float32{}
				var order []uint32
				var flen float32
				add := func(text string, w float32, body bool) {
					an.Each(text, func(term string, _ textan.Token) {
						n := id(term)
						if _, ok := tf[n]; !ok {
							order = append(order, n)
						}
						tf[n] += w
						flen += w
						if body {
							seq = append(seq, n)
							if dtf[n] == nil {
								dtf[n] = map[uint32]float32{}
							}
							dtf[n][uint32(di)]++
							dlen[di]++
						}
					})
				}
				add(p.Text, 1, true)
				if o.SectionWeight > 0 {
					add(p.Section, float32(o.SectionWeight), false)
				}
				if o.TitleWeight > 0 {
					add(p.Title, float32(o.TitleWeight), false)
				}
				for _, n := range order {
					plists[n] = append(plists[n], post{pi, tf[n]})
				}
				if k == 0 && o.TitleWeight > 0 {
					an.Each(d.Title, func(term string, _ textan.Token) {
						n := id(term)
						if dtf[n] == nil {
							dtf[n] = map[uint32]float32{}
						}
						dtf[n][uint32(di)] += float32(o.TitleWeight)
						dlen[di] += float32(o.TitleWeight)
					})
				}
				plen = append(plen, flen)
				pi++
			}
		}
		if ix.terms.len() != len(ids) {
			t.Fatalf("%+v: %d terms, want %d", opts, ix.terms.len(), len(ids))
		}
		for term, n := range ids {
			if got, ok := ix.terms.lookup(term); !ok || got != n || ix.terms.term(n) != term {
				t.Fatalf("%+v: term %q has ID %d (%v), want %d", opts, term, got, ok, n)
			}
		}
		for term, n := range ids {
			var got []post
			for j := ix.pass.off[n]; j < ix.pass.off[n+1]; j++ {
				got = append(got, post{ix.pass.ids[j], float32(ix.pass.tf[j]) * tfUnit})
			}
			if !reflect.DeepEqual(got, plists[n]) {
				t.Errorf("%+v: passage postings of %q: %v, want %v", opts, term, got, plists[n])
			}
			var want []post
			for di := range docs {
				if v, ok := dtf[n][uint32(di)]; ok {
					want = append(want, post{uint32(di), v})
				}
			}
			got = nil
			for j := ix.doc.off[n]; j < ix.doc.off[n+1]; j++ {
				got = append(got, post{ix.doc.ids[j], ix.doc.tf[j]})
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v: document postings of %q: %v, want %v", opts, term, got, want)
			}
		}
		if !reflect.DeepEqual(ix.pass.length, plen) || !reflect.DeepEqual(ix.doc.length, dlen) {
			t.Errorf("%+v: lengths differ: %v %v, want %v %v", opts, ix.pass.length, ix.doc.length, plen, dlen)
		}
		var gotSeq []uint32
		for p := range ix.passages {
			for _, t := range ix.seqOf(uint32(p)) {
				gotSeq = append(gotSeq, t)
			}
		}
		if !reflect.DeepEqual(gotSeq, seq) {
			t.Errorf("%+v: proximity sequences differ", opts)
		}
	}
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct{ limit int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n := f.limit
		f.limit = 0
		return n, errors.New("disk full")
	}
	f.limit -= len(p)
	return len(p), nil
}

// TestWriteToFails: a write error anywhere in the file is returned, with
// the count of bytes written before it.
func TestWriteToFails(t *testing.T) {
	ix := build(t, storyDocs(t), Options{})
	var buf bytes.Buffer
	size, err := ix.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, 10, 100, int(size) / 2, int(size) - 1} {
		n, err := ix.WriteTo(&failingWriter{limit: limit})
		if err == nil || !strings.Contains(err.Error(), "disk full") || n != int64(limit) {
			t.Errorf("limit %d: wrote %d, err %v", limit, n, err)
		}
	}
}

// TestDiverseAfter checks that after the first DiverseAfter passages,
// another document's best passage comes before further passages of a
// document already shown, and that the passages before it keep their place.
func TestDiverseAfter(t *testing.T) {
	a := doc("a.txt", "A", "The embassy closure was announced today.", "The embassy closure was reported later.", "The embassy closure was confirmed at noon.")
	b := doc("b.txt", "B", "The closure of the building on Wednesday.")
	docs := []*knowledge.Document{a, b}
	ctx := context.Background()
	opts := Options{DocWeight: -1, DocDecay: -1, ProxWeight: -1, ProxWideWeight: -1, PhraseWeight: -1}
	docsOf := func(hits []Hit) string {
		var s []string
		for _, h := range hits {
			s = append(s, h.Passage.Doc)
		}
		return strings.Join(s, " ")
	}
	opts.DiverseAfter = -1
	off, _ := build(t, docs, opts).Search(ctx, "embassy closure", 4)
	if got := docsOf(off); got != "a.txt a.txt a.txt b.txt" {
		t.Fatalf("without diversity BM25 orders a.txt's three passages first: %s", got)
	}
	for n, want := range map[int]string{1: "a.txt b.txt a.txt a.txt", 2: "a.txt a.txt b.txt a.txt", 3: "a.txt a.txt a.txt b.txt"} {
		opts.DiverseAfter = n
		hits, _ := build(t, docs, opts).Search(ctx, "embassy closure", 4)
		if got := docsOf(hits); got != want {
			t.Errorf("DiverseAfter %d: %s, want %s", n, got, want)
		}
		for i := range n {
			if hits[i].Passage != off[i].Passage {
				t.Errorf("DiverseAfter %d moved rank %d", n, i+1)
			}
		}
	}
}

// TestOneDocumentNoTitleField: in an index of one document, whose title is
// in every passage, the title is no field: the hero it names keeps the IDF
// of the passages that mention them ("Maisie wheel" finds the passage where
// Maisie is at the wheel, not the one that says "wheel" twice). With more
// documents the title still counts, and an explicit TitleWeight is kept.
func TestOneDocumentNoTitleField(t *testing.T) {
	story := doc("maisie.txt", "Maisie the Spinner",
		"The wheel stood in the kitchen by the fire, and the wheel was old.",
		"Maisie sat down by the fire and looked at the wheel.",
		"Her mother went to the market to sell the eggs.",
		"The old women sang as they span in the glen.",
		"A young laird rode by on his horse.")
	ctx := context.Background()
	top := func(ix *Index, q string) string {
		t.Helper()
		hits, err := ix.Search(ctx, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			return ""
		}
		return hits[0].Passage.Text
	}
	if got := top(build(t, []*knowledge.Document{story}, Options{}), "Maisie wheel"); !strings.HasPrefix(got, "Maisie sat") {
		t.Errorf("one document: top passage %q, want Maisie's", got)
	}
	if got := top(build(t, []*knowledge.Document{story}, Options{TitleWeight: 1}), "spinner"); got == "" {
		t.Error("one document, TitleWeight 1: the title word matched no passage")
	}
	if got := top(build(t, []*knowledge.Document{story}, Options{}), "spinner"); got != "" {
		t.Errorf("one document: the title word matched %q", got)
	}
	other := doc("other.txt", "The Miller", "The miller ground the corn by the river.")
	if got := top(build(t, []*knowledge.Document{story, other}, Options{}), "spinner"); got == "" {
		t.Error("two documents: the title word matched no passage")
	}
}
