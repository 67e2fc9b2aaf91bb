package app

import (
	"context"

	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// Boot is wiring.Boot. A function's main should call wiring.Boot and its
// own package under shared/app (webfn, intakefn, ...) rather than this
// package, which links every function's code.
func Boot(function string) (context.Context, wiring.Deps) { return wiring.Boot(function) }

// Must is wiring.Must.
func Must[T any](v T, err error) T { return wiring.Must(v, err) }
