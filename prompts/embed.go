// Package prompts holds storybot's default prompt templates, embedded in the
// binary so that storybot works from any directory. PROMPTS_DIR points at a
// folder of edited copies to use instead.
package prompts

import "embed"

// FS holds every *.tmpl file of this folder.
//
//go:embed *.tmpl
var FS embed.FS
