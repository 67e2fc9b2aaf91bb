// Command hostile measures the API with hostile input: it starts the whole
// system locally (infra/localapp: DynamoDB Local, local SES, every function
// behind the API Gateway emulator) with the demo data, mints a business
// support officer's token and an agency client's token, and runs
// schemathesis from the served OpenAPI document (GET /v1/openapi.json)
// against it with every check on (infra/hostile/schemathesis.toml says what
// is set differently, and why; hooks.py adds one check): the staff operations as the
// officer, the agency operations as the agency. It exits non-zero if
// schemathesis finds a server error or a difference between the document
// and the server, or takes longer than its time box.
//
// Usage:
//
//	go run ./infra/hostile -st .venv-schemathesis/bin/st [-examples N] [-time 90s] [-only staff|agency] [-log file] [-- more st args]
//	go run ./infra/hostile -serve   # start the system, print the tokens, wait for Ctrl-C
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
)

func main() {
	st := flag.String("st", ".venv-schemathesis/bin/st", "the schemathesis command")
	examples := flag.Int("examples", 10, "examples per operation")
	budget := flag.Duration("time", 90*time.Second, "time for both runs together")
	only := flag.String("only", "", "run only the staff or the agency operations")
	logFile := flag.String("log", "", "write the system's log here (default: nowhere)")
	serve := flag.Bool("serve", false, "start the system, print the URL and tokens, and wait for Ctrl-C")
	flag.Parse()
	if err := run(config{st: *st, examples: *examples, budget: *budget, only: *only, logFile: *logFile,
		serve: *serve, extra: flag.Args()}); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

type config struct {
	st, only, logFile string
	examples          int
	budget            time.Duration
	serve             bool
	extra             []string
}

func run(c config) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logw := io.Discard
	if c.logFile != "" {
		f, err := os.Create(c.logFile)
		if err != nil {
			return err
		}
		defer f.Close()
		logw = f
	}
	// The functions log every request; schemathesis makes thousands.
	slog.SetDefault(slog.New(slog.NewTextHandler(logw, nil)))
	app, err := localapp.Start(ctx, localapp.Options{Seed: true, Background: true,
		Logger: slog.New(slog.NewTextHandler(logw, nil)), StackLog: io.Discard})
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
	if c.serve {
		fmt.Printf("URL=%s\nSTAFF=%s\nAGENCY=%s\n", app.URL, staff, agency)
		<-ctx.Done()
		return nil
	}
	spec := app.URL + "/v1/openapi.json"
	runs := []struct {
		name, who, token string
		filter           []string
	}{
		// The agency operations are /v1/referrals/...; everything else
		// with an identity is the staff API, and the public pages are
		// tried with the staff run (their token is ignored).
		{"staff operations as a business support officer", "staff", staff, []string{"--exclude-path-regex", "^/v1/referrals"}},
		{"agency operations as the police client", "agency", agency, []string{"--include-path-regex", "^/v1/referrals"}},
	}
	// schemathesis keeps its replay files and example database in the
	// working directory: a temporary one, so the work tree stays clean.
	here, err := os.Getwd()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "mappa-hostile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	st, err := filepath.Abs(c.st)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(c.budget)
	failed := false
	for _, r := range runs {
		if c.only != "" && c.only != r.who {
			continue
		}
		fmt.Printf("== schemathesis: %s\n", r.name)
		args := append([]string{"--config-file", filepath.Join(here, "infra", "hostile", "schemathesis.toml"),
			"--no-color", "run", spec, "--url", app.URL, "--checks", "all",
			"--max-examples", fmt.Sprint(c.examples), "--seed", "1",
			"-H", "Authorization: Bearer " + r.token}, r.filter...)
		args = append(args, c.extra...)
		rctx, cancel := context.WithDeadline(ctx, deadline)
		cmd := exec.CommandContext(rctx, st, args...)
		cmd.Dir = work
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		cmd.Env = append(os.Environ(), "SCHEMATHESIS_HOOKS="+filepath.Join(here, "infra", "hostile", "hooks.py"), "NO_COLOR=1")
		start := time.Now()
		err := cmd.Run()
		late := rctx.Err() != nil
		cancel()
		fmt.Printf("== schemathesis: %s: %s\n", r.name, time.Since(start).Round(100*time.Millisecond))
		if late {
			return fmt.Errorf("%s: schemathesis did not finish in the time box (%s for both runs)", r.name, c.budget)
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
