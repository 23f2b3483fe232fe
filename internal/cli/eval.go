package cli

import (
	"context"
	"errors"
)

// cmdEval is a placeholder until the eval command is built.
func cmdEval(ctx context.Context, e *Env, args []string) error {
	return errors.New("eval: not built yet")
}
