// Command openapidoc prints the API's OpenAPI document (the one served at
// GET /v1/openapi.json) to standard output. The front end's field test
// (frontend/tests/api-fields.test.mjs) reads it to check that every field
// the front end reads from the API is documented.
//
// Usage: go run ./infra/openapidoc > openapi.json
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/mappa-coordinator/mappa/shared/openapi"
)

func main() {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(openapi.Document()); err != nil {
		fmt.Fprintln(os.Stderr, "openapidoc:", err)
		os.Exit(1)
	}
}
