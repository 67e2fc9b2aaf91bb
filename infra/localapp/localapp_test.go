package localapp_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/outbox"
)

func TestMain(m *testing.M) { localstack.Main(m) }

func start(t *testing.T, dataDir string) *localapp.App {
	t.Helper()
	st := localstack.ForTest(t)
	tables := st.Tables(t)
	app, err := localapp.Start(context.Background(), localapp.Options{Stack: st, Tables: &tables, Seed: true, DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Stop)
	return app
}

func get(t *testing.T, rawURL, token string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", rawURL, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestTheWholeSystemRunsInProcess(t *testing.T) {
	dir := t.TempDir()
	app := start(t, dir)
	ctx := context.Background()

	t.Run("sign-in page lists the seeded demo staff", func(t *testing.T) {
		q := url.Values{"response_type": {"code"}, "client_id": {"dev-staff-web"}, "redirect_uri": {app.URL + "/auth/callback"},
			"code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}, "state": {"s"}}
		resp, page := get(t, app.URL+"/dev/auth/oauth2/authorize?"+q.Encode(), "")
		if resp.StatusCode != 200 || !strings.Contains(page, "Development sign-in: not for real data") {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, s := range seed.DemoStaff() {
			if !strings.Contains(page, s.Name) {
				t.Errorf("sign-in page lacks %s", s.ID)
			}
		}
	})

	t.Run("demo staff and rota are seeded", func(t *testing.T) {
		out, err := app.Deps.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(app.Tables.Rota), Key: seed.Marker.Attrs()})
		if err != nil || out.Item == nil {
			t.Fatalf("seed marker missing: %v", err)
		}
	})

	t.Run("agency requests reach the real intake handler", func(t *testing.T) {
		tok, err := app.AgencyToken(ctx, "dev-agency-police")
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("POST", app.URL+"/v1/referrals", strings.NewReader(`{"unknownField":1}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// The handler's own strict decoding answers (400 or 422), not the gateway.
		if resp.StatusCode != 400 && resp.StatusCode != 422 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		if resp.Header.Get("X-Request-Id") == "" || resp.Header.Get("X-Request-Id") != resp.Header.Get("Apigw-Requestid") {
			t.Fatalf("the function did not see API Gateway's request id: %v", resp.Header)
		}
	})

	t.Run("no token is 401 before any function", func(t *testing.T) {
		resp, body := get(t, app.URL+"/v1/referrals/abc", "")
		if resp.StatusCode != 401 || !strings.Contains(body, `"status":401`) {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
	})

	t.Run("a staff token is refused on the agency route", func(t *testing.T) {
		tok, err := app.Issuer.StaffToken(localapp.StaffWithRole(auth.RoleBSO)[0], time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if resp, _ := get(t, app.URL+"/v1/referrals/abc", tok); resp.StatusCode != 403 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})

	t.Run("queued email reaches the local SES inbox through the mailer's stream", func(t *testing.T) {
		since := time.Now().Add(-time.Second)
		msg, err := outbox.NewReferralEmail(outbox.ReferralNotice{To: localapp.MappaInbox, ReferralID: "ref-local-1", CaseRef: "case-1",
			Category: 1, SuggestedLevel: 1, AppURL: app.URL})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.Deps.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
			TransactItems: []types.TransactWriteItem{outbox.Enqueue(app.Tables.Outbox, msg, time.Now())}}); err != nil {
			t.Fatal(err)
		}
		if err := app.DrainStreams(ctx); err != nil {
			t.Fatal(err)
		}
		mails, err := app.Stack.SESStore(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		found := slices.ContainsFunc(mails, func(e localstack.Email) bool {
			return slices.Contains(e.Destination.To, localapp.MappaInbox) && strings.Contains(e.Body.Text+e.Body.HTML, "ref-local-1")
		})
		if !found {
			t.Fatalf("email not in the local SES store (%d emails)", len(mails))
		}
		if err := app.RunSchedules(ctx); err != nil {
			t.Fatalf("sweep schedule: %v", err)
		}
	})

	t.Run("the web function is a stand-in until it exists", func(t *testing.T) {
		resp, body := get(t, app.URL+"/", "")
		if resp.StatusCode == 503 && !strings.Contains(body, "function not built yet") {
			t.Fatalf("503 without the stand-in's problem: %s", body)
		}
	})

	// Issue 12, finding 7: through the gateway and template.yaml's routes
	// (ANY / and ANY /{proxy+}), a method a path does not take is 405 with
	// Allow, TRACE on the root included; the gateway alone would say 404.
	t.Run("undeclared methods are 405 with Allow through the gateway", func(t *testing.T) {
		for _, c := range []struct{ method, path, allow string }{
			{"TRACE", "/", "GET, HEAD"},
			{"DELETE", "/", "GET, HEAD"},
			{"OPTIONS", "/reply/some-token", "GET, POST, HEAD"},
			{"TRACE", "/v1/staff/referrals", "GET, POST, HEAD"},
		} {
			req, _ := http.NewRequest(c.method, app.URL+c.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 405 || resp.Header.Get("Allow") != c.allow {
				t.Errorf("%s %s: %d Allow %q, want 405 %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Allow"), c.allow)
			}
		}
	})

	t.Run("the signing key is kept in the data directory", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(dir, "dev-auth-key.pem")); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFunctionsGetEveryVariableTheTemplateGivesThem(t *testing.T) {
	app := start(t, "")
	tmpl, err := app.Stack.Template()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tmpl.Functions() {
		for k := range f.Environment {
			if _, ok := app.Env[k]; !ok {
				t.Errorf("%s gets %s on Lambda but not locally", f.LogicalID, k)
			}
		}
	}
	for _, k := range []string{"DYNAMODB_ENDPOINT", "SES_ENDPOINT"} {
		if app.Env[k] == "" {
			t.Errorf("%s not set", k)
		}
	}
	if app.Env["AUTH_BASE_URL"] != app.URL+"/dev/auth" || app.Env["APP_ORIGIN"] != app.URL || app.Env["STAFF_CLIENT_ID"] != "dev-staff-web" {
		t.Fatalf("env %v", app.Env)
	}
	if app.Deps.Config.MappaInbox != localapp.MappaInbox || len(app.Deps.Config.Agencies) != 4 || app.Deps.Tables != app.Tables {
		t.Fatalf("deps %+v", app.Deps.Config)
	}
	if !slices.Contains(app.Consumers(), "MailerFunction") {
		t.Fatalf("consumers %v", app.Consumers())
	}
}
