package cli

import (
	"context"
	"errors"
)

// cmdTimeline is a placeholder until the timeline command is built.
func cmdTimeline(ctx context.Context, e *Env, args []string) error {
	return errors.New("timeline: not built yet")
}
