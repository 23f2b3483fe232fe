package feedback_test

import (
	"testing"

	"storybot/internal/feedback"
	"storybot/internal/feedback/feedbacktest"
)

// The file store passes the cases every vote store must (the PostgreSQL
// store runs them too: internal/pgstore).
func TestFileStoreConformance(t *testing.T) {
	dir := t.TempDir()
	feedbacktest.Run(t, func(*testing.T) feedback.Keeper { return feedback.Open(dir) })
}
