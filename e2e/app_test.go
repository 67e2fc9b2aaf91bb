package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/localstack"
)

// startApp runs the whole local system for one test, as `make dev` does,
// on fresh tables in the shared local stack (opts.Stack and opts.Tables are
// filled in), logging nowhere unless opts.Logger is set. It stops when the
// test ends.
func startApp(t *testing.T, opts localapp.Options) *localapp.App {
	t.Helper()
	stack := localstack.ForTest(t)
	tables := stack.Tables(t)
	opts.Stack, opts.Tables = stack, &tables
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	app, err := localapp.Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("start the local system: %v", err)
	}
	t.Cleanup(app.Stop)
	return app
}

// callJSON sends one request to the local system as the holder of token,
// with body as JSON if it is not nil, and returns the status and the
// decoded JSON reply (empty if the reply is not a JSON object).
func callJSON(t *testing.T, app *localapp.App, token, method, path string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, app.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}
