package summary

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"storybot/internal/knowledge"
)

var datePrefix = regexp.MustCompile(`^\s*date (\d{4}-\d{2}-\d{2}) `)

// loadDoc reads a test document the simple way: one passage per paragraph,
// so the golden files do not depend on the knowledge package's splitter.
func loadDoc(t testing.TB, path, rel string) *knowledge.Document {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseDoc(string(b), rel)
}

func parseDoc(text, rel string) *knowledge.Document {
	d := &knowledge.Document{Path: rel, Title: strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))}
	if m := datePrefix.FindStringSubmatch(text); m != nil {
		d.Date = m[1]
		text = text[len(m[0]):]
	}
	lines := strings.Split(text, "\n")
	para := 0
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		j := i
		for j+1 < len(lines) && strings.TrimSpace(lines[j+1]) != "" {
			j++
		}
		para++
		d.Passages = append(d.Passages, knowledge.Passage{
			ID: rel + "#" + strconv.Itoa(para), Doc: rel, Title: d.Title, ParaStart: para, ParaEnd: para,
			StartLine: i + 1, EndLine: j + 1, Text: strings.Join(lines[i:j+1], "\n"),
		})
		i = j
	}
	return d
}

const storyPath = "testdata/Albania-cuts-ties-with-Iran-2022-09-07.txt"

func storyDocs(t testing.TB) []*knowledge.Document {
	d := loadDoc(t, storyPath, "Albania-cuts-ties-with-Iran-2022-09-07.txt")
	d.Title = "Albania cuts ties with Iran"
	for i := range d.Passages {
		d.Passages[i].Title = d.Title
	}
	return []*knowledge.Document{d}
}

func staticSource(version string, docs []*knowledge.Document) Source {
	return func() (string, []*knowledge.Document) { return version, docs }
}
