package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
)

// micro copies the Go micro-benchmarks `make bench` ran just before
// (dist/bench-go.txt) into the report.
func micro(_ context.Context, e *env) (string, error) {
	b, err := os.ReadFile(filepath.Join(e.root, "dist", "bench-go.txt"))
	if err != nil {
		return "## Go micro-benchmarks\n\nNot run (run `make bench`).\n", nil //nolint:nilerr // optional input
	}
	var lines []string
	for l := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "pkg:") {
			lines = append(lines, l)
		}
	}
	return "## Go micro-benchmarks\n\n`go test -bench . -benchmem ./shared/...`:\n\n```\n" + strings.Join(lines, "\n") + "\n```\n", nil
}
