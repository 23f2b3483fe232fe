package budget_test

import (
	"testing"

	"storybot/internal/budget"
	"storybot/internal/budget/budgettest"
)

// The file store passes the cases every store must (the PostgreSQL store
// runs them too: internal/pgstore).
func TestFileStoreConformance(t *testing.T) {
	dir := t.TempDir()
	budgettest.Run(t, func(*testing.T) budget.Store { return budget.OpenFile(dir) })
}
