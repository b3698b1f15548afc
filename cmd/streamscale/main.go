// Command streamscale stands up, loads, measures and verifies a Kafka → Flink → Kafka
// streaming pipeline. See the README for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/streamscale/streamscale/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes: 0 ok, 1 a command or check failed, 2 bad usage, 130 interrupted.
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitCancelled = 130
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go onSignals(sigs, cancel, func() {
		fmt.Fprintln(os.Stderr, "streamscale: interrupted again, quitting without waiting")
		os.Exit(exitCancelled)
	})
	os.Exit(run(ctx))
}

// onSignals cancels the command on the first SIGINT/SIGTERM, so that it stops and cleans up
// (the generator flushes what is in flight, with a bound), and calls quit on the second: a
// user who does not want to wait is not ignored.
func onSignals(sigs <-chan os.Signal, cancel context.CancelFunc, quit func()) {
	<-sigs
	cancel()
	<-sigs
	quit()
}

func run(ctx context.Context) int {
	f := cli.NewFactory()
	root := cli.NewRootCmd(f, version)
	cmd, err := root.ExecuteContextC(ctx)
	var flagErr *cli.FlagError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, cli.ErrSilent):
		return exitError
	case errors.As(err, &flagErr) || cli.IsUnknownCommand(err):
		// Point at the help of the command that was mistyped, as gh does.
		fmt.Fprintf(f.IO.ErrOut, "streamscale: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
		return exitUsage
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintln(f.IO.ErrOut, "streamscale: interrupted")
		return exitCancelled
	default:
		fmt.Fprintf(f.IO.ErrOut, "streamscale: %v\n", err)
		return exitError
	}
}
