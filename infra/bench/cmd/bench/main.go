// Command bench runs the benchmarks of `make bench` against the local stack
// and regenerates docs/benchmarks.md. Each section also prints its results
// in Go's benchmark format (to -raw), so runs compare with benchstat.
//
//	go run ./infra/bench/cmd/bench                 # everything, rewrites docs/benchmarks.md
//	go run ./infra/bench/cmd/bench -only coldstart # one section, printed, docs untouched
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// section is one part of docs/benchmarks.md.
type section struct {
	name string
	run  func(ctx context.Context, env *env) (markdown string, err error)
}

// env is what the sections share.
type env struct {
	root       string
	tmp        string
	raw        io.Writer             // Go benchmark format lines
	log        io.Writer             // progress
	rounds     int                   // cold starts per function
	pageRounds int                   // page loads per page
	n          int                   // referrals and emails in the throughput run
	opRounds   int                   // requests per operation (overhead)
	units      map[string][2]float64 // read and write units per operation (overhead → cost)
	// scale
	scaleSizes   []int
	scaleWorkers int
	scaleRounds  int
	sweepUnits   [2]float64 // read and write units per due item (scale → cost)
}

func main() {
	only := flag.String("only", "", "comma-separated sections to run (printed, docs/benchmarks.md untouched)")
	out := flag.String("out", "docs/benchmarks.md", "the report to regenerate")
	raw := flag.String("raw", "dist/bench.txt", "Go benchmark format results (for benchstat)")
	rounds := flag.Int("rounds", 25, "cold starts per function")
	pageRounds := flag.Int("page-rounds", 3, "loads of each page (front end)")
	n := flag.Int("n", 1000, "referrals and invitations in the throughput run")
	opRounds := flag.Int("op-rounds", 100, "requests per operation (overhead)")
	sizes := flag.String("scale", "1000,10000", "caseload sizes of the scale section (make bench-scale adds 100000)")
	workers := flag.Int("scale-workers", 8, "parallel BatchWriteItem workers of the scale seeder")
	scaleRounds := flag.Int("scale-rounds", 20, "calls of each page per size (scale)")
	flag.Parse()
	var scaleSizes []int
	for s := range strings.SplitSeq(*sizes, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(s), &n); err != nil || n <= 0 {
			fmt.Fprintln(os.Stderr, "bench: -scale: want sizes like 1000,10000")
			os.Exit(2)
		}
		scaleSizes = append(scaleSizes, n)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{rounds: *rounds, pageRounds: *pageRounds, n: *n, opRounds: *opRounds,
		scaleSizes: scaleSizes, scaleWorkers: *workers, scaleRounds: *scaleRounds}
	if err := run(ctx, *only, *out, *raw, e); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, only, out, rawPath string, e *env) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mappa-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.MkdirAll(filepath.Dir(rawPath), 0o755); err != nil {
		return err
	}
	rawFile, err := os.Create(rawPath)
	if err != nil {
		return err
	}
	defer rawFile.Close()
	e.root, e.tmp, e.raw, e.log = root, tmp, io.MultiWriter(rawFile, os.Stdout), os.Stderr
	fmt.Fprintf(e.raw, "goos: %s\ngoarch: %s\npkg: github.com/mappa-coordinator/mappa/infra/bench\n", goos(), goarch())

	want := map[string]bool{}
	for s := range strings.SplitSeq(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	var doc strings.Builder
	doc.WriteString(header(time.Now()))
	for _, s := range sections() {
		if len(want) > 0 && !want[s.name] {
			continue
		}
		fmt.Fprintf(e.log, "== %s\n", s.name)
		start := time.Now()
		md, err := s.run(ctx, e)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(e.log, "== %s done in %s\n", s.name, time.Since(start).Round(time.Second))
		doc.WriteString(md)
		doc.WriteString("\n")
	}
	if len(want) > 0 {
		fmt.Println(doc.String())
		return nil
	}
	return os.WriteFile(out, []byte(doc.String()), 0o644)
}

func sections() []section {
	return []section{
		{"overhead", overhead},
		{"coldstart", coldStart},
		{"frontend", frontEnd},
		{"throughput", throughput},
		{"scale", scale},
		{"cost", costModel},
		{"micro", micro},
	}
}
