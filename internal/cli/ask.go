package cli

import (
	"context"
	"errors"
)

// cmdAsk is a placeholder until the ask command is built.
func cmdAsk(ctx context.Context, e *Env, args []string) error {
	return errors.New("ask: not built yet")
}
