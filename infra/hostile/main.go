// Command hostile measures the API with hostile input: it starts the whole
// system locally (infra/localapp: DynamoDB Local, local SES, every function
// behind the API Gateway emulator) with the demo data, mints a business
// support officer's token and an agency client's token, and runs
// schemathesis from the served OpenAPI document (GET /v1/openapi.json)
// against it with every check on: the staff operations as the officer, the
// agency operations as the agency. It exits non-zero if schemathesis finds
// a server error or a difference between the document and the server.
//
// Usage: go run ./infra/hostile -st .venv-schemathesis/bin/st [-examples N] [-time 120s]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
)

func main() {
	st := flag.String("st", ".venv-schemathesis/bin/st", "the schemathesis command")
	examples := flag.Int("examples", 15, "examples per operation")
	budget := flag.Duration("time", 150*time.Second, "time for each of the two runs")
	flag.Parse()
	if err := run(*st, *examples, *budget); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(st string, examples int, budget time.Duration) error {
	ctx := context.Background()
	app, err := localapp.Start(ctx, localapp.Options{Seed: true, Background: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), StackLog: io.Discard})
	if err != nil {
		return err
	}
	defer app.Stop()
	staff, err := app.Issuer.StaffToken(seed.BSO1, 2*time.Hour)
	if err != nil {
		return err
	}
	agency, err := app.AgencyToken(ctx, "dev-agency-police")
	if err != nil {
		return err
	}
	spec := app.URL + "/v1/openapi.json"
	runs := []struct {
		name, token string
		filter      []string
	}{
		{"staff operations as a business support officer", staff, []string{"--exclude-path-regex", "^/v1/referrals"}},
		{"agency operations as the police client", agency, []string{"--include-path-regex", "^/v1/referrals"}},
	}
	failed := false
	for _, r := range runs {
		fmt.Printf("== schemathesis: %s\n", r.name)
		args := append([]string{"run", spec, "--url", app.URL, "--checks", "all",
			"--max-examples", fmt.Sprint(examples), "--seed", "1", "--no-color",
			"-H", "Authorization: Bearer " + r.token}, r.filter...)
		rctx, cancel := context.WithTimeout(ctx, budget)
		cmd := exec.CommandContext(rctx, st, args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		cmd.Env = append(os.Environ(), "SCHEMATHESIS_HOOKS=", "NO_COLOR=1")
		err := cmd.Run()
		cancel()
		if rctx.Err() != nil {
			return fmt.Errorf("%s: schemathesis took more than %s", r.name, budget)
		}
		if err != nil {
			failed = true
		}
	}
	if failed {
		return fmt.Errorf("schemathesis found server errors or differences between the OpenAPI document and the server")
	}
	return nil
}
