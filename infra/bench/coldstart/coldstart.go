// Package coldstart measures how long each function's bootstrap takes from
// process start to its first request for work, against a small fake Lambda
// Runtime API (the Runtime Interface Emulator is not available here), beside
// an empty Go Lambda built the same way. It also reports the size of each
// function's deployment zip (linux/arm64, as `make build` makes it).
package coldstart

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Flags are the build flags of `make build` (Makefile LAMBDA_FLAGS).
var Flags = []string{"-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

// EmptyPackage is the floor: an empty Go Lambda.
const EmptyPackage = "./infra/bench/coldstart/empty"

// Build builds pkg (relative to root) into out for goos/goarch with the
// functions' build flags.
func Build(ctx context.Context, root, pkg, out, goos, goarch string) error {
	args := append([]string{"build"}, Flags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("coldstart: build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// ZipSize is the size of a deployment zip holding bin as "bootstrap"
// (deflate, as `make build` zips it).
func ZipSize(bin string) (int64, error) {
	f, err := os.Open(bin)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "bootstrap", Method: zip.Deflate})
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(w, f); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(buf.Len()), nil
}

// Runtime is a fake Lambda Runtime API: it notes when a process first asks
// for work (GET /2018-06-01/runtime/invocation/next) and never gives any.
type Runtime struct {
	Addr string
	srv  *http.Server
	mu   sync.Mutex
	next chan time.Time
}

// StartRuntime listens on a loopback port.
func StartRuntime() (*Runtime, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Runtime{Addr: ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, req *http.Request) {
		at := time.Now()
		r.mu.Lock()
		ch := r.next
		r.mu.Unlock()
		if ch != nil {
			select {
			case ch <- at:
			default:
			}
		}
		<-req.Context().Done() // no work: hold the request until the process goes
	})
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	})
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// Close stops the fake runtime.
func (r *Runtime) Close() error { return r.srv.Close() }

// Env is the environment Lambda gives a function, with the fake runtime's
// address and placeholder table names, credentials and settings.
func (r *Runtime) Env(name string) []string {
	return []string{
		"AWS_LAMBDA_RUNTIME_API=" + r.Addr,
		"AWS_LAMBDA_FUNCTION_NAME=" + name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"_HANDLER=bootstrap",
		"AWS_REGION=eu-west-2",
		"AWS_DEFAULT_REGION=eu-west-2",
		"AWS_ACCESS_KEY_ID=AKIAEXAMPLE",
		"AWS_SECRET_ACCESS_KEY=example",
		"AWS_SESSION_TOKEN=example",
		"AWS_CONFIG_FILE=/nonexistent",
		"AWS_SHARED_CREDENTIALS_FILE=/nonexistent",
		"HOME=/nonexistent",
		"TZ=UTC",
		"STAGE=bench",
		"CASES_TABLE=cases", "REFERRALS_TABLE=referrals", "OUTBOX_TABLE=outbox",
		"AUDIT_TABLE=audit", "ROTA_TABLE=rota", "MEETINGS_TABLE=meetings",
		"APP_ORIGIN=https://mappa.example.gov.uk",
		"MAIL_FROM=mappa@example.gov.uk", "MAPPA_INBOX=mappa-inbox@example.gov.uk",
		"AGENCY_CLIENTS=police:client1",
		"STAFF_CLIENT_ID=staff", "AUTH_BASE_URL=https://auth.example.gov.uk",
		// On AWS the reminders function reads its reply-link keys from SSM
		// at start-up (REPLY_KEYS_PARAMETER); here they are given directly.
		"REPLY_KEYS=bench1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
	}
}

// Start runs bin once and returns the time from process start to its first
// request for work. The process is killed afterwards.
func (r *Runtime) Start(ctx context.Context, bin string, env []string) (time.Duration, error) {
	ch := make(chan time.Time, 1)
	r.mu.Lock()
	r.next = ch
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.next = nil
		r.mu.Unlock()
	}()
	var out bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &out, &out
	exited := make(chan error, 1)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited //nolint:errcheck // killed on purpose: the exit status says so
	}()
	select {
	case at := <-ch:
		return at.Sub(t0), nil
	case err := <-exited:
		exited <- err
		return 0, fmt.Errorf("coldstart: %s exited before asking for work (%w): %s", filepath.Base(bin), err, out.Bytes())
	case <-time.After(10 * time.Second):
		return 0, errors.New("coldstart: " + filepath.Base(bin) + " did not ask for work within 10s")
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Result is one function's measurement.
type Result struct {
	Name    string
	Err     error           // the function did not start (its samples are empty)
	Samples []time.Duration // process start to first /next
	ZipSize int64           // linux/arm64 deployment zip, bytes
}

// Median of the samples.
func (r Result) Median() time.Duration { return quantile(r.Samples, 0.5) }

// P90 of the samples.
func (r Result) P90() time.Duration { return quantile(r.Samples, 0.9) }

func quantile(s []time.Duration, q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	return c[int(q*float64(len(c)-1)+0.5)]
}

// Target is one binary to measure: a name and a Go package.
type Target struct {
	Name, Package string
}

// Run builds every target for the host (timing) and for linux/arm64 (zip
// size) in dir, then starts each rounds times, round-robin so that noise
// from other work on the machine falls on all of them alike.
func Run(ctx context.Context, root, dir string, targets []Target, rounds int, progress io.Writer) ([]Result, error) {
	rt, err := StartRuntime()
	if err != nil {
		return nil, err
	}
	defer rt.Close()
	bins := make([]string, len(targets))
	res := make([]Result, len(targets))
	for i, t := range targets {
		bins[i] = filepath.Join(dir, t.Name)
		fmt.Fprintf(progress, "coldstart: building %s\n", t.Name)
		if err := Build(ctx, root, t.Package, bins[i], runtime.GOOS, runtime.GOARCH); err != nil {
			return nil, err
		}
		arm := bins[i] + ".arm64"
		if err := Build(ctx, root, t.Package, arm, "linux", "arm64"); err != nil {
			return nil, err
		}
		n, err := ZipSize(arm)
		if err != nil {
			return nil, err
		}
		res[i] = Result{Name: t.Name, ZipSize: n}
	}
	// One warm-up start each: the first exec of a fresh binary pays for the
	// page cache.
	// A function that cannot start is reported, not fatal to the others.
	for i, t := range targets {
		if _, err := rt.Start(ctx, bins[i], rt.Env(t.Name)); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			res[i].Err = err
		}
	}
	for range rounds {
		for i, t := range targets {
			if res[i].Err != nil {
				continue
			}
			d, err := rt.Start(ctx, bins[i], rt.Env(t.Name))
			if err != nil {
				return nil, err
			}
			res[i].Samples = append(res[i].Samples, d)
		}
	}
	return res, nil
}
