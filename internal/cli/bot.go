package cli

import (
	"context"
	"errors"
)

// cmdBot is a placeholder until the bot command is built.
func cmdBot(ctx context.Context, e *Env, args []string) error {
	return errors.New("bot: not built yet")
}
