package coldstart

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestQuantiles(t *testing.T) {
	r := Result{Samples: []time.Duration{5, 1, 4, 2, 3, 9, 8, 7, 6, 10}}
	if got := r.Median(); got != 6 {
		t.Errorf("median = %d, want 6", got)
	}
	if got := r.P90(); got != 9 {
		t.Errorf("p90 = %d, want 9", got)
	}
	if got := (Result{}).Median(); got != 0 {
		t.Errorf("median of nothing = %d", got)
	}
}

func TestZipSizeIsCompressed(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bootstrap")
	if err := os.WriteFile(p, []byte(strings.Repeat("bootstrap ", 10000)), 0o755); err != nil {
		t.Fatal(err)
	}
	n, err := ZipSize(p)
	if err != nil {
		t.Fatal(err)
	}
	if n <= 0 || n > 10000 {
		t.Errorf("zip of 100 kB of repeated text = %d bytes", n)
	}
	if _, err := ZipSize(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("want an error for a missing binary")
	}
}

// TestFunctionsLinkOnlyWhatTheyUse keeps the cold-start work from
// regressing: a function's main imports its own package under shared/app,
// not the aggregate that links every function; nothing links the SDK's
// config package (shared-file, SSO and STS providers Lambda never needs);
// only the mailer links the SES client; and nothing links the SSM client
// (the reply-link keys are one signed GetParameter request, shared/app/noticefn).
func TestFunctionsLinkOnlyWhatTheyUse(t *testing.T) {
	const mod = "github.com/mappa-coordinator/mappa/"
	root := filepath.Join("..", "..", "..")
	for _, fn := range []string{"web", "intake", "classify", "mailer", "rota", "reminders"} {
		out, err := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", filepath.Join(root, "functions", fn)).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", fn, err, out)
		}
		deps := strings.Fields(string(out))
		if slices.Contains(deps, mod+"shared/app") {
			t.Errorf("functions/%s links shared/app (every function's code): import shared/app/%sfn and call wiring.Boot", fn, fn)
		}
		if slices.Contains(deps, "github.com/aws/aws-sdk-go-v2/config") {
			t.Errorf("functions/%s links aws-sdk-go-v2/config: build clients from wiring.Deps.AWS", fn)
		}
		if fn != "mailer" && slices.Contains(deps, "github.com/aws/aws-sdk-go-v2/service/sesv2") {
			t.Errorf("functions/%s links the SES client, which it never uses", fn)
		}
		if slices.Contains(deps, "github.com/aws/aws-sdk-go-v2/service/ssm") {
			t.Errorf("functions/%s links the SSM client (its schema tables cost ~1.5 ms at every cold start): read parameters with noticefn's signed request", fn)
		}
	}
}
