package app

import (
	"context"
	"log/slog"
	"os"

	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// Boot is the first line of every function's main: JSON logging tagged with
// the function's name, then its dependencies from the environment. A
// function that cannot start exits at once, so Lambda reports an init error
// instead of serving with half its configuration.
func Boot(function string) (context.Context, wiring.Deps) {
	wiring.SetupLogging(function)
	ctx := context.Background()
	deps, err := wiring.From(ctx, os.Getenv)
	return ctx, Must(deps, err)
}

// Must returns v, or logs err and exits if it is not nil.
func Must[T any](v T, err error) T {
	if err != nil {
		slog.Error("start-up failed", slog.String("error", err.Error()))
		os.Exit(1)
	}
	return v
}
