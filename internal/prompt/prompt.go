// Package prompt loads storybot's prompt templates (Go text/template files
// named *.tmpl) and renders them. A template's name is its file name without
// .tmpl: "system", "answer", "condense".
//
// Every template gets two helpers: fence, which makes user or document text
// safe to put between the <<< >>> markers that delimit quoted material (it
// breaks up any "<<<" or ">>>" inside the text, so a document cannot close its
// block and speak as the prompt), and trim (strings.TrimSpace).
package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
)

// Set is a loaded set of templates. It is safe for concurrent use.
type Set struct {
	src   string // the folder, for messages
	tmpls map[string]*template.Template
}

// Load parses every *.tmpl file in dir. An error names the file and, for a
// syntax error, the line ("prompts/answer.tmpl:12: ..."). A folder with no
// templates is an error.
func Load(dir string) (*Set, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("prompts folder %s: %w (set PROMPTS_DIR to a folder of *.tmpl files)", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("prompts folder %s is not a folder (set PROMPTS_DIR to a folder of *.tmpl files)", dir)
	}
	return load(os.DirFS(dir), dir)
}

// LoadFS parses every *.tmpl file at the top of fsys (such as the embedded
// defaults in storybot/prompts); name is used in error messages.
func LoadFS(fsys fs.FS, name string) (*Set, error) { return load(fsys, name) }

func load(fsys fs.FS, src string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("prompts %s: %w", src, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("prompts folder %s has no *.tmpl files (set PROMPTS_DIR to the folder holding system.tmpl, answer.tmpl and condense.tmpl)", src)
	}
	sort.Strings(names)
	s := &Set{src: src, tmpls: map[string]*template.Template{}}
	var errs []error
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Join(src, n), err))
			continue
		}
		t, err := template.New(n).Option("missingkey=error").Funcs(funcs).Parse(string(b))
		if err != nil {
			// text/template says "template: answer.tmpl:12: ..."; name the path.
			msg := strings.TrimPrefix(err.Error(), "template: ")
			errs = append(errs, fmt.Errorf("%s", filepath.Join(src, msg)))
			continue
		}
		s.tmpls[strings.TrimSuffix(path.Base(n), ".tmpl")] = t
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

var funcs = template.FuncMap{
	"fence": Fence,
	"trim":  strings.TrimSpace,
}

// Fence returns text with every run of three or more '<' or '>' broken up,
// so it cannot open or close a quoted block.
func Fence(text string) string {
	if !strings.Contains(text, "<<<") && !strings.Contains(text, ">>>") {
		return text
	}
	var b strings.Builder
	run, last := 0, byte(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if (c == '<' || c == '>') && c == last {
			run++
		} else {
			run = 1
		}
		if (c == '<' || c == '>') && run >= 3 {
			b.WriteByte(' ')
			run = 1
		}
		b.WriteByte(c)
		last = c
	}
	return b.String()
}

// Names lists the loaded templates, sorted.
func (s *Set) Names() []string {
	var out []string
	for n := range s.tmpls {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Fill adds to s every template of defaults that s lacks (an operator's
// prompts folder that overrides only some files) and returns their names,
// sorted. Call it before s is shared.
func (s *Set) Fill(defaults *Set) []string {
	var filled []string
	for n, t := range defaults.tmpls {
		if _, ok := s.tmpls[n]; !ok {
			s.tmpls[n] = t
			filled = append(filled, n)
		}
	}
	sort.Strings(filled)
	return filled
}

// Has reports whether the template name is loaded.
func (s *Set) Has(name string) bool { _, ok := s.tmpls[name]; return ok }

// Require returns an error naming every template of names that is missing.
func (s *Set) Require(names ...string) error {
	var missing []string
	for _, n := range names {
		if !s.Has(n) {
			missing = append(missing, n+".tmpl")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("prompts folder %s lacks %s", s.src, strings.Join(missing, ", "))
	}
	return nil
}

// Render executes the template name with data and returns the text with
// surrounding blank space trimmed. Errors name the file and line.
func (s *Set) Render(name string, data any) (string, error) {
	t, ok := s.tmpls[name]
	if !ok {
		return "", fmt.Errorf("no prompt template %q in %s", name, s.src)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render %s: %w", filepath.Join(s.src, name+".tmpl"), err)
	}
	return strings.TrimSpace(b.String()), nil
}
