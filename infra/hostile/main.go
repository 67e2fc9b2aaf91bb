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
//	go run ./infra/hostile -st .venv-schemathesis/bin/st [-examples N] [-time 600s] [-only staff|agency] [-log file] [-- more st args]
//	go run ./infra/hostile -serve   # start the system, print the tokens, wait for Ctrl-C
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
)

func main() {
	st := flag.String("st", ".venv-schemathesis/bin/st", "the schemathesis command")
	examples := flag.Int("examples", 10, "examples per operation")
	budget := flag.Duration("time", 150*time.Second, "time box for both runs (side by side)")
	only := flag.String("only", "", "run only the staff or the agency operations")
	logFile := flag.String("log", "", "write the system's log here (default: nowhere)")
	serve := flag.Bool("serve", false, "start the system, print the URL and tokens, and wait for Ctrl-C")
	verbose := flag.Bool("v", false, "print schemathesis's whole output even when it passes")
	flag.Parse()
	if err := run(config{st: *st, examples: *examples, budget: *budget, only: *only, logFile: *logFile,
		serve: *serve, verbose: *verbose, extra: flag.Args()}); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

type config struct {
	st, only, logFile string
	examples          int
	budget            time.Duration
	serve, verbose    bool
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
	config, err := writeConfig(ctx, filepath.Join(here, "infra", "hostile", "schemathesis.toml"), work, app.URL, staff)
	if err != nil {
		return err
	}
	// The two runs go side by side (schemathesis spends its time making
	// data, one core each), inside one time box.
	rctx, cancel := context.WithTimeout(ctx, c.budget)
	defer cancel()
	type result struct {
		out       bytes.Buffer
		err       error
		took, cpu time.Duration
	}
	results := make([]result, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		if c.only != "" && c.only != r.who {
			continue
		}
		dir := filepath.Join(work, r.who)
		if err := os.Mkdir(dir, 0o700); err != nil {
			return err
		}
		args := append([]string{"--config-file", config,
			"--no-color", "run", spec, "--url", app.URL, "--checks", "all",
			"--max-examples", fmt.Sprint(c.examples),
			"-H", "Authorization: Bearer " + r.token}, r.filter...)
		args = append(args, c.extra...)
		cmd := exec.CommandContext(rctx, st, args...)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = &results[i].out, &results[i].out
		cmd.Env = append(os.Environ(), "SCHEMATHESIS_HOOKS="+filepath.Join(here, "infra", "hostile", "hooks.py"), "NO_COLOR=1")
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			results[i].err = cmd.Run()
			results[i].took = time.Since(start)
			if ps := cmd.ProcessState; ps != nil {
				results[i].cpu = ps.UserTime() + ps.SystemTime()
			}
		}()
	}
	wg.Wait()
	late := rctx.Err() != nil
	failed := false
	for i, r := range runs {
		if c.only != "" && c.only != r.who {
			continue
		}
		res := &results[i]
		out := res.out.String()
		if res.err == nil && !c.verbose {
			// Passed: the summary is enough.
			if j := strings.Index(out, "= SUMMARY ="); j >= 0 {
				out = out[strings.LastIndex(out[:j], "\n")+1:]
			}
		}
		fmt.Printf("== schemathesis: %s (%s, %s of CPU)\n%s\n", r.name, res.took.Round(100*time.Millisecond), res.cpu.Round(100*time.Millisecond), out)
		if res.err != nil {
			failed = true
		}
	}
	if late {
		return fmt.Errorf("schemathesis did not finish in the time box (%s)", c.budget)
	}
	if failed {
		return fmt.Errorf("schemathesis found server errors or differences between the OpenAPI document and the server")
	}
	return nil
}

// writeConfig writes schemathesis.toml with the ids of the demo data
// added: half the time an operation's {id} is one of them (a referral, a
// case, a meeting or a person), so the operations behind an id are tried
// on real records too, not only answered 404.
func writeConfig(ctx context.Context, base, dir, url, token string) (string, error) {
	b, err := os.ReadFile(base)
	if err != nil {
		return "", err
	}
	var refs struct {
		Items []struct {
			ID     string `json:"id"`
			CaseID string `json:"caseId"`
		} `json:"items"`
	}
	var meetings struct {
		Meetings []struct {
			ID string `json:"id"`
		} `json:"meetings"`
	}
	var people struct {
		People []struct {
			ID string `json:"id"`
		} `json:"people"`
	}
	today := time.Now().UTC()
	window := "/v1/staff/meetings?from=" + today.AddDate(0, -6, 0).Format(time.DateOnly) + "&to=" + today.AddDate(0, 6, 0).Format(time.DateOnly)
	for path, into := range map[string]any{"/v1/staff/referrals?limit=100": &refs, window: &meetings, "/v1/staff/people": &people} {
		if err := getJSON(ctx, url+path, token, into); err != nil {
			return "", err
		}
	}
	kinds := map[string]map[string]bool{"referrals": {}, "cases": {}, "meetings": {}, "people": {}}
	for _, r := range refs.Items {
		kinds["referrals"][r.ID], kinds["cases"][r.CaseID] = true, true
	}
	for _, m := range meetings.Meetings {
		kinds["meetings"][m.ID] = true
	}
	for _, p := range people.People {
		kinds["people"][p.ID] = true
	}
	// Each kind of id where its operations take it: /v1/staff/<kind>/{id}
	// (and the agency's /v1/referrals/{id}).
	paths := map[string]string{"referrals": "^/v1/(staff/)?referrals/", "cases": "^/v1/(staff|admin/audit)/cases/",
		"meetings": "^/v1/staff/meetings/", "people": "^/v1/staff/people/"}
	extra := "\n# Added by infra/hostile: the demo data's ids, used for {id} four times in five.\n"
	var ops string
	for _, kind := range []string{"cases", "meetings", "people", "referrals"} {
		list := make([]string, 0, len(kinds[kind]))
		for id := range kinds[kind] {
			if id != "" {
				list = append(list, strconv.Quote(id))
			}
		}
		if len(list) == 0 {
			continue
		}
		sort.Strings(list)
		extra += "[dictionaries." + kind + "]\nvalues = [" + strings.Join(list, ", ") + "]\n\n"
		ops += "[[operations]]\ninclude-path-regex = " + strconv.Quote(paths[kind]) + "\n" +
			"parameters = { \"path.id\" = { dictionary = " + strconv.Quote(kind) + ", probability = 0.8 } }\n\n"
	}
	extra += ops
	out := filepath.Join(dir, "schemathesis.toml")
	return out, os.WriteFile(out, append(b, extra...), 0o600)
}

func getJSON(ctx context.Context, url, token string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(into)
}
