// Command devserver runs MAPPA Coordinator on one machine for development
// (`make dev`, or `go run ./infra/devserver`): DynamoDB Local and the local
// SES server, the tables from template.yaml, the demo data, the dev token
// issuer and every function's real handler behind the API Gateway emulator
// on one port, with the stream consumers and schedules running. The
// assembly is infra/localapp; this is flags, output and signals.
//
// Flags (environment variables in brackets):
//
//	-addr       127.0.0.1:8080 (MAPPA_DEV_ADDR); a free port if it is taken
//	-data       .data (MAPPA_DEV_DATA); DynamoDB data, signing key, stream
//	            checkpoints and dead-letter.jsonl; `make dev-reset` clears it
//	-ses-port   0: a free port (MAPPA_DEV_SES_PORT)
//	-dynamo-port 0: a free port (MAPPA_DEV_DYNAMO_PORT)
//	-no-seed    skip the demo data
//	-now        an RFC 3339 time the functions' clock starts at and runs on
//	            from (MAPPA_DEV_NOW); default the real time. Browser tests
//	            use it so no date or time of day depends on when they run.
//
// Ctrl-C (SIGINT) or SIGTERM stops every process it started.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/clock"
)

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func main() {
	addr := flag.String("addr", envOr("MAPPA_DEV_ADDR", localapp.DefaultAddr), "address to serve the app on (a free port is used if it is taken)")
	data := flag.String("data", envOr("MAPPA_DEV_DATA", ".data"), "directory for local data (relative to the repository root)")
	sesPort := flag.Int("ses-port", envInt("MAPPA_DEV_SES_PORT", 0), "port of the local SES server and its inbox (0: free port)")
	dynamoPort := flag.Int("dynamo-port", envInt("MAPPA_DEV_DYNAMO_PORT", 0), "port of DynamoDB Local (0: free port)")
	noSeed := flag.Bool("no-seed", false, "do not seed demo data")
	verbose := flag.Bool("v", false, "log the local services' output")
	now := flag.String("now", os.Getenv("MAPPA_DEV_NOW"), "RFC 3339 time the functions' clock starts at (default: the real time)")
	flag.Parse()
	var clk clock.Clock
	if *now != "" {
		t, err := time.Parse(time.RFC3339, *now)
		if err != nil {
			fmt.Fprintln(os.Stderr, "devserver: -now:", err)
			os.Exit(2)
		}
		clk = clock.StartingAt(t)
	}

	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err := run(*addr, *data, *sesPort, *dynamoPort, !*noSeed, *verbose, clk); err != nil {
		fmt.Fprintln(os.Stderr, "devserver:", err)
		os.Exit(1)
	}
}

func run(addr, data string, sesPort, dynamoPort int, doSeed, verbose bool, clk clock.Clock) error {
	root, err := localstack.Root()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(data) {
		data = filepath.Join(root, data)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	began := time.Now()
	opts := localapp.Options{
		Addr: addr, FallbackToFreePort: true, DataDir: data,
		DynamoPort: dynamoPort, SESPort: sesPort,
		Seed: doSeed, Background: true, Clock: clk,
	}
	if verbose {
		opts.StackLog = os.Stderr
	}
	app, err := localapp.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer app.Stop()

	fmt.Printf(`
MAPPA Coordinator (development) is running. Started in %s.

  App:               %s/
  Local inbox (SES): %s/
  Reminders sweep:   %s/dev/reminders   (runs at start, every %s, and on demand:
                     the button there, or: make reminders)
  Data:              %s   (make dev-reset clears it)

Sign in as any demo member of staff from the app. Agencies post referrals
with a client-credentials token (demo clients dev-agency-police, -probation,
-prison, -youth-justice; secret dev-secret-<agency>):

  TOKEN=$(curl -s -u dev-agency-police:dev-secret-police -d grant_type=client_credentials \
    %s | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -i %s/v1/referrals \
    -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
    -H "Idempotency-Key: TVP-PPU-2026-00999" --data @docs/examples/referral.json

Press Ctrl-C to stop.
`, time.Since(began).Round(100*time.Millisecond), app.URL, app.Stack.SESEndpoint, app.URL, localapp.RemindersEvery, data, app.Issuer.TokenURL(), app.URL)

	<-ctx.Done()
	fmt.Println("\nStopping...")
	return nil
}
