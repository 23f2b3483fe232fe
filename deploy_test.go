package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// No Docker engine runs where the tests run, so these check what can be
// checked without one: compose.yaml parses and names only documented
// settings, and the Dockerfile builds the binary as CI does.

// documented returns the variables .env.example documents: NAME= at the
// start of a line, commented out or not.
func documented(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^(?:# ?)?([A-Z][A-Z0-9_]*)=`).FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = true
	}
	return out
}

type composeFile struct {
	Name     string `yaml:"name"`
	Services map[string]struct {
		Build       any               `yaml:"build"`
		Image       string            `yaml:"image"`
		Profiles    []string          `yaml:"profiles"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func TestComposeFileParsesAndNamesOnlyDocumentedVariables(t *testing.T) {
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	bot, ok := c.Services["storybot"]
	if !ok || bot.Build == nil || len(bot.Profiles) != 0 {
		t.Fatalf("the storybot service must be built here and run without a profile: %+v", bot)
	}
	for name, profile := range map[string]string{"ollama": "ollama", "postgres": "postgres"} {
		if s, ok := c.Services[name]; !ok || !slices.Equal(s.Profiles, []string{profile}) {
			t.Errorf("service %s should exist under the profile %q", name, profile)
		}
	}
	docs := documented(t)
	// The bot's own settings, and every ${VAR} the file interpolates.
	for k := range bot.Environment {
		if !docs[k] {
			t.Errorf("compose.yaml sets %s for storybot, which .env.example does not document", k)
		}
	}
	for _, m := range regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(string(raw), -1) {
		if !docs[m[1]] {
			t.Errorf("compose.yaml reads ${%s}, which .env.example does not document", m[1])
		}
	}
	// The volumes the image declares are mounted, and the data survives.
	for _, v := range []string{"./knowledge:/knowledge", "./prompts:/prompts:ro", "storybot-data:/data"} {
		if !slices.Contains(bot.Volumes, v) {
			t.Errorf("storybot lacks the volume %s", v)
		}
	}
	if _, ok := c.Volumes["storybot-data"]; !ok {
		t.Error("the storybot-data volume is not declared")
	}
	if bot.Environment["METRICS_ADDR"] == "" {
		t.Error("the container's HEALTHCHECK needs METRICS_ADDR")
	}
	// The compose comments tell Ollama users the base URL the bot needs.
	if !strings.Contains(string(raw), "OPENAI_BASE_URL=http://ollama:11434/v1") {
		t.Error("compose.yaml should say which OPENAI_BASE_URL the ollama profile needs")
	}
}

// goBuild finds the static `CGO_ENABLED=0 go build` line in text and
// returns its flags, without the output path.
func goBuild(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "RUN "))
		if !strings.HasPrefix(l, "CGO_ENABLED=0 go build ") {
			continue
		}
		f := strings.Fields(l)
		var flags []string
		for i := 0; i < len(f); i++ {
			if f[i] == "-o" {
				i++ // the output path differs
				continue
			}
			flags = append(flags, f[i])
		}
		return flags
	}
	t.Fatalf("%s has no line starting CGO_ENABLED=0 go build", file)
	return nil
}

func TestDockerfileBuildsAsCIDoes(t *testing.T) {
	docker, ci := goBuild(t, "Dockerfile"), goBuild(t, ".ci/run")
	if !slices.Equal(docker, ci) {
		t.Errorf("Dockerfile builds with %q, CI with %q", docker, ci)
	}
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{
		"FROM scratch",     // a static binary needs no base
		"USER 65532:65532", // not root
		`VOLUME ["/knowledge", "/prompts", "/data"]`, // the folders that outlive the container
		`HEALTHCHECK`, `CMD ["/storybot", "healthcheck"]`,
		"METRICS_ADDR=",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	ignore, err := os.ReadFile(".dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".env", ".git", "data/"} {
		if !slices.Contains(strings.Fields(string(ignore)), want) {
			t.Errorf(".dockerignore lacks %s", want)
		}
	}
}
