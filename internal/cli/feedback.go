package cli

import (
	"context"
	"errors"
)

// cmdFeedback is a placeholder until the feedback command is built.
func cmdFeedback(ctx context.Context, e *Env, args []string) error {
	return errors.New("feedback: not built yet")
}
