package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// Main is the main function of the command name (cmd/...): it calls run with
// a context that an interrupt cancels, the command's arguments and standard
// output, and on an error prints "name: error" to standard error and exits
// with status 1.
func Main(name string, run func(ctx context.Context, args []string, stdout io.Writer) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}
