package cli

import (
	"context"
	"errors"
)

// cmdConsole is a placeholder until the console command is built.
func cmdConsole(ctx context.Context, e *Env, args []string) error {
	return errors.New("console: not built yet")
}
