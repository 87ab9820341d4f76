// Command hoctap-load keeps a local hoctap server busy with page reads from a separate
// process and prints requests/s and latency (DESIGN §6; used by scripts/bench.sh).
// See internal/loadgen.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"hoctap/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := loadgen.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
