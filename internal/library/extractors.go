package library

import (
	"storybot/internal/extract"
	"storybot/internal/knowledge"
)

// Extractors returns the extractors for knowledge.Options.Extractors: the
// file types storybot reads besides text and Markdown (HTML, PDF, EPUB, Word
// .docx and OpenDocument .odt), by lower-case extension. It is the one list the bot and its tests use.
func Extractors() map[string]knowledge.Extractor {
	return map[string]knowledge.Extractor{
		".html": extract.HTML,
		".htm":  extract.HTML,
		".pdf":  extract.PDF,
		".epub": extract.EPUB,
		".docx": extract.DOCX,
		".odt":  extract.ODT,
	}
}
