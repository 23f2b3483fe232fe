package cli

import (
	"context"
	"errors"
)

// cmdRefresh is a placeholder until the refresh command is built.
func cmdRefresh(ctx context.Context, e *Env, args []string) error {
	return errors.New("refresh: not built yet")
}
