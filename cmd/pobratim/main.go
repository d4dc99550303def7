// Command pobratim runs the Pobratim Telegram bot: `pobratim run` against
// Telegram, `pobratim console` in the terminal without a token, and the
// maintenance subcommands import, backup and version.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
