package cli

import (
	"context"
	"errors"
)

// cmdSummary is a placeholder until the summary command is built.
func cmdSummary(ctx context.Context, e *Env, args []string) error {
	return errors.New("summary: not built yet")
}
