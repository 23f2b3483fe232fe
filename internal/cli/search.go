package cli

import (
	"context"
	"errors"
)

// cmdSearch is a placeholder until the search command is built.
func cmdSearch(ctx context.Context, e *Env, args []string) error {
	return errors.New("search: not built yet")
}
