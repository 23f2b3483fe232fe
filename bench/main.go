package bench

import (
	"context"
	"flag"
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

// Flags returns the flag set of the command name, whose errors Parse
// returns for run to report, with the flag every command takes: -shared,
// the shared folder (with holds, for the help), by default ../../shared as
// the commands run from bench/.
func Flags(name, holds string) (fs *flag.FlagSet, shared *string) {
	fs = flag.NewFlagSet(name, flag.ContinueOnError)
	return fs, fs.String("shared", "../../shared", "the shared folder with "+holds)
}
