// Package corpus builds large synthetic knowledge folders for benchmarks by
// recombining the sentences of real documents with a fixed seed.
//
// The output depends only on the source texts, the seed and the Spec, so two
// runs on two machines produce byte-identical folders. Nothing is downloaded.
package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"storybot/internal/textan"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Spec says what folder to generate.
type Spec struct {
	Passages     int    // paragraphs to write in total (each becomes about one passage)
	PerFile      int    // paragraphs per file; 0 means 100
	TargetChars  int    // paragraph length to aim for; 0 means 950
	Seed         uint64 // PCG seed; the same seed gives the same folder
	MinSentChars int    // shorter sentences are dropped; 0 means 20
	MaxSentChars int    // longer sentences are dropped; 0 means 600
}

func (s Spec) withDefaults() Spec {
	if s.PerFile <= 0 {
		s.PerFile = 100
	}
	if s.TargetChars <= 0 {
		s.TargetChars = 950
	}
	if s.MinSentChars <= 0 {
		s.MinSentChars = 20
	}
	if s.MaxSentChars <= 0 {
		s.MaxSentChars = 600
	}
	return s
}

// Key names the Spec in a folder name, so that caches of different specs
// never collide.
func (s Spec) Key() string {
	s = s.withDefaults()
	return fmt.Sprintf("p%d-f%d-c%d-s%d", s.Passages, s.PerFile, s.TargetChars, s.Seed)
}

// Stats describes a generated folder.
type Stats struct {
	Files      int
	Paragraphs int
	Bytes      int64 // text bytes written
	Sentences  int   // distinct source sentences drawn from
}

// Sentences reads every .txt, .md and .markdown file under the given
// folders (in sorted path order) and returns their sentences, in order,
// without duplicates. Markdown heading lines, URLs and metadata lines
// ("Key: value" without a full stop) are left out. It fails when a folder
// cannot be read or no sentence is found.
func Sentences(ctx context.Context, dirs []string, minChars, maxChars int) ([]string, error) {
	var out []string
	seen := make(map[string]bool)
	for _, dir := range dirs {
		var paths []string
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && isText(p) {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read sources %s: %w", dir, err)
		}
		slices.Sort(paths)
		for _, p := range paths {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("read source: %w", err)
			}
			if !utf8.Valid(data) {
				continue
			}
			for _, s := range SplitSentences(string(data)) {
				n := utf8.RuneCountInString(s)
				if n < minChars || n > maxChars || seen[s] {
					continue
				}
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("read sources: no sentences found")
	}
	return out, nil
}

func isText(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".txt", ".md", ".markdown":
		return true
	}
	return false
}

// SplitSentences splits text into sentences with storybot's own splitter
// (textan.Sentences: a paragraph's lines joined, titles and initials
// respected), dropping headings ("# ..."), bare URLs and pieces without
// sentence punctuation at their end.
func SplitSentences(text string) []string {
	var out []string
	for _, s := range textan.Sentences(text) {
		if strings.HasPrefix(s.Text, "#") || strings.HasPrefix(s.Text, "http") {
			continue
		}
		if last, _ := utf8.DecodeLastRuneInString(s.Text); strings.ContainsRune(".!?\"”’)", last) {
			out = append(out, s.Text)
		}
	}
	return out
}

// Generate writes spec.Passages paragraphs into dir as files
// gen_00000.txt, gen_00001.txt, ... of spec.PerFile paragraphs each,
// separated by blank lines. Each paragraph is a run of sentences drawn at
// random (math/rand/v2 PCG seeded with spec.Seed) until it reaches about
// spec.TargetChars characters. dir is created if needed; existing files of
// the same names are overwritten. It fails on a write error or when ctx ends.
func Generate(ctx context.Context, dir string, sentences []string, spec Spec) (Stats, error) {
	spec = spec.withDefaults()
	if spec.Passages <= 0 {
		return Stats{}, errors.New("generate: passages must be positive")
	}
	if len(sentences) == 0 {
		return Stats{}, errors.New("generate: no sentences")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, fmt.Errorf("generate: %w", err)
	}
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x9e3779b97f4a7c15))
	st := Stats{Sentences: len(sentences)}
	var b strings.Builder
	for written := 0; written < spec.Passages; st.Files++ {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		b.Reset()
		for j := 0; j < spec.PerFile && written < spec.Passages; j++ {
			if j > 0 {
				b.WriteString("\n\n")
			}
			n, k := 0, 0
			for misses := 0; n < spec.TargetChars && misses < 50; {
				s := sentences[rng.IntN(len(sentences))]
				if k > 0 && n+len(s) > spec.TargetChars+spec.TargetChars/4 {
					misses++ // too long to close this paragraph; draw again
					continue
				}
				k++
				if k > 1 {
					b.WriteByte(' ')
					n++
				}
				b.WriteString(s)
				n += len(s)
			}
			written++
			st.Paragraphs++
		}
		b.WriteByte('\n')
		name := filepath.Join(dir, "gen_"+pad(st.Files)+".txt")
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			return st, fmt.Errorf("generate: %w", err)
		}
		st.Bytes += int64(b.Len())
	}
	return st, nil
}

func pad(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}

// Ensure returns a folder under cacheDir holding the corpus for spec built
// from the source folders, generating it only when it is missing or was
// built from other sources. A stamp file records the hash of the sentences
// and the spec; the stamp is written last, so an interrupted run is redone.
func Ensure(ctx context.Context, cacheDir string, sources []string, spec Spec) (string, Stats, error) {
	spec = spec.withDefaults()
	sents, err := Sentences(ctx, sources, spec.MinSentChars, spec.MaxSentChars)
	if err != nil {
		return "", Stats{}, err
	}
	h := sha256.New()
	for _, s := range sents {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	sum := hex.EncodeToString(h.Sum(nil))[:16]
	dir := filepath.Join(cacheDir, spec.Key()+"-"+sum)
	stamp := dir + ".complete" // beside the folder, so loaders never see it
	if _, err := os.Stat(stamp); err == nil {
		st, err := statDir(dir)
		st.Sentences = len(sents)
		st.Paragraphs = spec.Passages
		return dir, st, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", Stats{}, fmt.Errorf("ensure corpus: %w", err)
	}
	st, err := Generate(ctx, dir, sents, spec)
	if err != nil {
		return "", st, err
	}
	if err := os.WriteFile(stamp, []byte(spec.Key()+"\n"), 0o644); err != nil {
		return "", st, fmt.Errorf("ensure corpus: %w", err)
	}
	return dir, st, nil
}

func statDir(dir string) (Stats, error) {
	var st Stats
	ents, err := os.ReadDir(dir)
	if err != nil {
		return st, fmt.Errorf("ensure corpus: %w", err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return st, fmt.Errorf("ensure corpus: %w", err)
		}
		st.Files++
		st.Bytes += info.Size()
	}
	return st, nil
}
