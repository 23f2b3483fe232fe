// Package pgtest gives tests a PostgreSQL database of their own: a new
// schema in the server STORYBOT_TEST_DATABASE_URL names (.ci/run starts
// one), dropped when the test ends. Tests that use it have "Postgres" in
// their names, so that go test -run Postgres ./... runs them all.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// URL is a PostgreSQL URL for a new, empty schema of its own (dropped
// when the test ends), from STORYBOT_TEST_DATABASE_URL; the test skips
// when that is unset (.ci/run sets it).
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("STORYBOT_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("STORYBOT_TEST_DATABASE_URL is not set: no PostgreSQL to test against (.ci/run starts one)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("STORYBOT_TEST_DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "storybot_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
