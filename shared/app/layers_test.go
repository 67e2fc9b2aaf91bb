package app

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/mappa-coordinator/mappa/"

// domain packages: standard library and other domain packages only.
var domain = []string{"eligibility", "cadence", "workdays", "risk", "referral", "civil", "validation", "meeting", "rota", "staff", "report", "clock", "ids", "minutes", "retention"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// TestLayers enforces the floors of docs/architecture.md on the code that
// ships (test files aside): domain packages depend on no AWS package and
// not on net/http; nothing in shared/ imports infra/ (the dev-only local
// AWS); only the composition root (shared/app) and functions/ import
// shared/app or shared/wiring.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen := 0
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		rel := strings.TrimPrefix(p.ImportPath, module)
		for _, d := range domain {
			if rel != "shared/"+d {
				continue
			}
			for _, dep := range p.Deps {
				if strings.HasPrefix(dep, "github.com/aws/") || dep == "net/http" {
					t.Errorf("domain package %s depends on %s", rel, dep)
				}
			}
		}
		if strings.HasPrefix(rel, "shared/") {
			for _, dep := range p.Deps {
				if strings.HasPrefix(dep, module+"infra/") {
					t.Errorf("%s depends on %s (infra/ is dev-only)", rel, strings.TrimPrefix(dep, module))
				}
			}
		}
		root := rel == "shared/app" || strings.HasPrefix(rel, "shared/app/") || strings.HasPrefix(rel, "functions/") || strings.HasPrefix(rel, "infra/")
		if !root {
			for _, imp := range p.Imports {
				if imp == module+"shared/app" || strings.HasPrefix(imp, module+"shared/app/") || imp == module+"shared/wiring" {
					t.Errorf("%s imports the composition root %s", rel, strings.TrimPrefix(imp, module))
				}
			}
		}
	}
	if seen < 20 {
		t.Fatalf("go list found only %d packages", seen)
	}
}
