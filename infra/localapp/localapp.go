// Package localapp assembles the whole system on one machine: the local
// AWS services (infra/localstack), the tables from template.yaml, the demo
// data, the dev token issuer, every function's real handler behind the API
// Gateway emulator on one port, the DynamoDB stream consumers and the
// schedules. The dev server (infra/devserver) is a thin main around Start;
// integration and browser tests call Start to run the full system
// in-process.
package localapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/logging"

	"github.com/mappa-coordinator/mappa/infra/devauth"
	"github.com/mappa-coordinator/mappa/infra/gateway"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/infra/streams"
	"github.com/mappa-coordinator/mappa/infra/tables"
	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/reminders"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// Defaults of the local settings.
const (
	DefaultAddr        = "127.0.0.1:8080"
	DefaultTablePrefix = "dev-"
	MailFrom           = "mappa-coordinator@example.gov.uk"
	MappaInbox         = "mappa-inbox@example.gov.uk"
	SPOC               = "mappa-spoc@example.gov.uk"
	Coordinator        = "mappa-coordinator-office@example.gov.uk"
	DigestTo           = "managers@example.gov.uk"
)

// Options configure Start.
type Options struct {
	// Addr is the address to serve on (default 127.0.0.1:0, a free port).
	Addr string
	// FallbackToFreePort serves on a free port if Addr is taken.
	FallbackToFreePort bool
	// DataDir keeps DynamoDB's data, the token signing key, stream
	// checkpoints and the dead-letter file between runs. "" keeps nothing.
	DataDir string
	// Stack is a running local stack to use (tests: localstack.ForTest). If
	// nil, Start starts one (persistent in DataDir) and Stop stops it.
	Stack *localstack.Stack
	// DynamoPort and SESPort for a stack Start starts (0: free ports).
	DynamoPort, SESPort int
	// StackLog receives the local services' output.
	StackLog io.Writer
	// Tables, if set, are existing tables to use; otherwise the template's
	// tables are created as TablePrefix + logical id (default "dev-").
	Tables      *dynamo.Tables
	TablePrefix string
	// Template is template.yaml (default: found from the working directory).
	Template *template.Template
	// Clock, if set, is the functions' clock (the dev server's -now; tests
	// of the whole system that must not depend on the time of day). Tokens
	// still use the real time.
	Clock clock.Clock
	// Seed writes the demo staff and rota (and posts the demo referrals)
	// unless already done.
	Seed bool
	// Background polls the streams and runs the schedules while the app
	// runs (the dev server). Without it, tests call DrainStreams and
	// RunSchedules.
	Background bool
	// StreamRetryDelay is the pause before a failed stream batch is retried
	// (doubling per attempt, at most 5s; default 100ms; negative: none).
	StreamRetryDelay time.Duration
	// Logger for the app's own messages (default slog.Default()).
	Logger *slog.Logger
}

// App is the running system.
type App struct {
	// URL is the origin everything is served on (http://127.0.0.1:PORT).
	URL string
	// Issuer is the dev token issuer (mint tokens in tests).
	Issuer *devauth.Issuer
	// Tables are the physical table names.
	Tables dynamo.Tables
	// Stack is the local AWS services.
	Stack *localstack.Stack
	// Gateway is the API Gateway emulator.
	Gateway *gateway.Gateway
	// Env is the environment the functions were configured from (what
	// Lambda would give them).
	Env map[string]string
	// Deps are the functions' dependencies (clients, tables, config).
	Deps wiring.Deps

	log       *slog.Logger
	template  *template.Template
	server    *http.Server
	ownsStack bool
	consumers []*streams.Consumer
	schedules []schedule
	reminders *reminders.Sweeper
	remMu     sync.Mutex
	lastRun   *RemindersRun
	deadFile  string
	replyKeys string
	deadMu    sync.Mutex
	parked    []streams.Parked
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	stopOnce  sync.Once
}

type schedule struct {
	function string
	event    string
	every    time.Duration // 0: on demand only
	input    json.RawMessage
	run      ScheduleHandler
}

// Start brings the system up. On error everything it started is stopped.
func Start(ctx context.Context, opts Options) (app *App, err error) {
	a := &App{log: opts.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	defer func() {
		if err != nil {
			a.Stop()
		}
	}()
	if a.template = opts.Template; a.template == nil {
		if a.template, err = template.LoadDefault(); err != nil {
			return nil, err
		}
	}
	if opts.DataDir != "" {
		if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("localapp: data dir: %w", err)
		}
		a.deadFile = filepath.Join(opts.DataDir, "dead-letter.jsonl")
	}

	// Listen first: the URL is the issuer and the app origin.
	ln, err := listen(opts.Addr, opts.FallbackToFreePort)
	if err != nil {
		return nil, err
	}
	a.URL = "http://" + ln.Addr().String()
	a.server = &http.Server{ReadHeaderTimeout: 10 * time.Second}

	if a.Stack = opts.Stack; a.Stack == nil {
		dataDir := ""
		if opts.DataDir != "" {
			dataDir = filepath.Join(opts.DataDir, "dynamodb")
		}
		a.Stack, err = localstack.Start(ctx, localstack.Options{DataDir: dataDir, DynamoPort: opts.DynamoPort, SESPort: opts.SESPort, Log: opts.StackLog})
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		a.ownsStack = true
	}
	db, err := quietClient(ctx, a.Stack.DynamoEndpoint)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	if opts.Tables != nil {
		a.Tables = *opts.Tables
	} else {
		prefix := opts.TablePrefix
		if prefix == "" {
			prefix = DefaultTablePrefix
		}
		if a.Tables, err = tables.Create(ctx, db, a.template, prefix); err != nil {
			_ = ln.Close()
			return nil, err
		}
	}

	keyFile := ""
	if opts.DataDir != "" {
		keyFile = filepath.Join(opts.DataDir, "dev-auth-key.pem")
	}
	var users []devauth.User
	for _, s := range seed.DemoStaff() {
		roles := make([]string, len(s.Roles))
		for i, r := range s.Roles {
			roles[i] = string(r)
		}
		users = append(users, devauth.User{ID: s.ID, Name: s.Name, Email: s.Email, Roles: roles})
	}
	if a.Issuer, err = devauth.New(devauth.Options{BaseURL: a.URL, Users: users, KeyFile: keyFile}); err != nil {
		_ = ln.Close()
		return nil, err
	}

	if a.replyKeys, err = devReplyKeys(opts.DataDir); err != nil {
		_ = ln.Close()
		return nil, err
	}
	a.Env = a.environment()
	cfg, err := configFromEnv(a.Env)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	if a.Deps, err = wiring.New(ctx, cfg, a.Tables); err != nil {
		_ = ln.Close()
		return nil, err
	}
	if opts.Clock != nil {
		a.Deps.Clock, a.Deps.IDs = opts.Clock, ids.Random{Clock: opts.Clock}
	}
	fns, err := buildFunctions(ctx, a.Deps)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	verifier := gateway.JWTVerifier{Issuer: a.Issuer.IssuerURL(), Audience: a.Issuer.Audience(), Keys: a.Issuer, TokenUse: "access"}
	if a.Gateway, err = gateway.New(a.template, fns.HTTP, verifier); err != nil {
		_ = ln.Close()
		return nil, err
	}
	if err := a.wireEvents(ctx, fns, opts.DataDir, opts.StreamRetryDelay); err != nil {
		_ = ln.Close()
		return nil, err
	}

	mux := http.NewServeMux()
	mux.Handle(devauth.Path+"/", a.Issuer.Handler())
	a.reminders = fns.Reminders
	mux.HandleFunc(RemindersPath, a.remindersPage)
	mux.Handle("/", a.Gateway)
	a.server.Handler = mux
	go func() {
		if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("localapp: server stopped", slog.String("error", err.Error()))
		}
	}()

	if opts.Seed {
		wrote, err := seed.Seed(ctx, db, a.Tables, a.Deps.Clock.Now())
		if err != nil {
			return nil, err
		}
		if wrote {
			a.log.Info("seeded demo staff and rota")
			switch err := seed.SeedReferrals(ctx, a.PostReferral, a.Deps.Clock.Now()); {
			case errors.Is(err, seed.ErrNoReferrals):
				a.log.Info("no demo referrals defined yet (seed.DemoReferrals)")
			case err != nil:
				return nil, fmt.Errorf("localapp: demo referrals: %w", err)
			default:
				if err := seed.SeedCasePlan(ctx, db, a.Tables, a.Deps.Clock.Now()); err != nil {
					return nil, fmt.Errorf("localapp: demo case plan: %w", err)
				}
			}
		}
	}

	bg, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	if opts.Background {
		for _, c := range a.consumers {
			a.wg.Add(1)
			go func() {
				defer a.wg.Done()
				_ = c.Poll(bg)
			}()
		}
		if every := RemindersEvery; every > 0 && a.reminders != nil {
			a.wg.Add(1)
			go func() {
				defer a.wg.Done()
				a.runRemindersLogged(bg, "start")
				t := time.NewTicker(every)
				defer t.Stop()
				for {
					select {
					case <-bg.Done():
						return
					case <-t.C:
						a.runRemindersLogged(bg, "timer")
					}
				}
			}()
		}
		for _, s := range a.schedules {
			if s.every <= 0 {
				continue
			}
			a.wg.Add(1)
			go func() {
				defer a.wg.Done()
				t := time.NewTicker(s.every)
				defer t.Stop()
				for {
					select {
					case <-bg.Done():
						return
					case <-t.C:
						if err := s.run(bg, s.input); err != nil && bg.Err() == nil {
							a.log.Warn("schedule failed", slog.String("function", s.function), slog.String("event", s.event), slog.String("error", err.Error()))
						}
					}
				}
			}()
		}
	}
	return a, nil
}

// quietClient is a DynamoDB client for the bootstrap (tables, seed) that
// does not log the SDK's harmless checksum warnings on the expected
// "already exists" errors from DynamoDB Local.
func quietClient(ctx context.Context, endpoint string) (*dynamodb.Client, error) {
	cfg, err := dynamo.LoadConfig(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.Logger = logging.Nop{}
	}), nil
}

func listen(addr string, fallback bool) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && fallback {
		host, _, splitErr := net.SplitHostPort(addr)
		if splitErr != nil || host == "" {
			host = "127.0.0.1"
		}
		ln, err = net.Listen("tcp", net.JoinHostPort(host, "0"))
	}
	if err != nil {
		return nil, fmt.Errorf("localapp: listen on %s: %w", addr, err)
	}
	return ln, nil
}

// environment is what template.yaml gives the functions on Lambda, with
// local values.
func (a *App) environment() map[string]string {
	return map[string]string{
		"STAGE":                 "dev",
		"APP_ORIGIN":            a.URL,
		"CASES_TABLE":           a.Tables.Cases,
		"REFERRALS_TABLE":       a.Tables.Referrals,
		"OUTBOX_TABLE":          a.Tables.Outbox,
		"AUDIT_TABLE":           a.Tables.Audit,
		"ROTA_TABLE":            a.Tables.Rota,
		"MEETINGS_TABLE":        a.Tables.Meetings,
		"MAIL_FROM":             MailFrom,
		"MAPPA_INBOX":           MappaInbox,
		"AGENCY_CLIENTS":        devauth.AgencyClientsEnv(a.Issuer.Clients()),
		"STAFF_CLIENT_ID":       devauth.StaffClientID,
		"AUTH_BASE_URL":         a.Issuer.IssuerURL(),
		"SES_CONFIGURATION_SET": "",
		"DYNAMODB_ENDPOINT":     a.Stack.DynamoEndpoint,
		"SES_ENDPOINT":          a.Stack.SESEndpoint,
		"REPLY_KEYS":            a.replyKeys,
		"REPLY_KEYS_PARAMETER":  "", // on AWS: the SSM parameter; locally the key is in REPLY_KEYS
		"MAPPA_SPOC":            SPOC,
		"MAPPA_COORDINATOR":     Coordinator,
		"DIGEST_TO":             DigestTo,
		"RETENTION_DAYS":        "", // the default (shared/retention.DefaultDays)
	}
}

// configFromEnv reads the functions' settings through wiring's own
// readers, exactly as a function does on Lambda, with env as the
// environment (injected: the process environment is not touched).
func configFromEnv(env map[string]string) (wiring.Config, error) {
	getenv := func(k string) string { return env[k] }
	cfg := wiring.ConfigFrom(getenv)
	if err := dynamo.TablesFrom(getenv).Require(dynamo.EnvCases, dynamo.EnvReferrals, dynamo.EnvOutbox, dynamo.EnvAudit, dynamo.EnvRota, dynamo.EnvMeetings); err != nil {
		return wiring.Config{}, fmt.Errorf("localapp: %w", err)
	}
	return cfg, nil
}

// tableName maps a table's logical id to its physical name.
func tableName(t dynamo.Tables, logicalID string) (string, bool) {
	switch logicalID {
	case tables.Cases:
		return t.Cases, true
	case tables.Referrals:
		return t.Referrals, true
	case tables.Outbox:
		return t.Outbox, true
	case tables.Audit:
		return t.Audit, true
	case tables.Rota:
		return t.Rota, true
	case tables.Meetings:
		return t.Meetings, true
	}
	return "", false
}

var rateExpr = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)

// scheduleEvery reads a rate() expression; cron() and at() run on demand
// only (RunSchedules).
func scheduleEvery(expr string) time.Duration {
	m := rateExpr.FindStringSubmatch(strings.TrimSpace(expr))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}[m[2]]
	return time.Duration(n) * unit
}

// wireEvents sets up a stream consumer for every DynamoDB event and a
// schedule for every ScheduleV2 event of a function that has a handler.
func (a *App) wireEvents(ctx context.Context, fns Functions, dataDir string, retryDelay time.Duration) error {
	api, err := streams.NewClient(ctx, a.Stack.DynamoEndpoint)
	if err != nil {
		return err
	}
	var cps streams.Checkpoints
	if dataDir != "" {
		cps = &streams.FileCheckpoints{Path: filepath.Join(dataDir, "stream-checkpoints.json")}
	}
	for _, f := range a.template.Functions() {
		for _, ev := range f.Events {
			switch {
			case ev.Stream != nil:
				h, ok := fns.Streams[f.LogicalID]
				if !ok {
					a.log.Warn("function not built yet: its stream is not polled", slog.String("function", f.LogicalID))
					continue
				}
				table, ok := tableName(a.Tables, ev.Stream.Table)
				if !ok {
					return fmt.Errorf("localapp: %s reads the stream of unknown table %s", f.LogicalID, ev.Stream.Table)
				}
				c, err := streams.FromTemplate(f.LogicalID, *ev.Stream, table, api, streams.Handler(h))
				if err != nil {
					return err
				}
				c.Checkpoints = cps
				c.RetryDelay = retryDelay
				c.Logger = a.log
				c.OnFailure = a.park
				a.consumers = append(a.consumers, c)
			case ev.Schedule != nil:
				h, ok := fns.Schedules[f.LogicalID]
				if !ok {
					a.log.Warn("function not built yet: its schedule does not run", slog.String("function", f.LogicalID))
					continue
				}
				input := json.RawMessage(ev.Schedule.Input)
				if len(input) == 0 {
					input = json.RawMessage("{}")
				}
				a.schedules = append(a.schedules, schedule{function: f.LogicalID, event: ev.Name,
					every: scheduleEvery(ev.Schedule.Expression), input: input, run: h})
			}
		}
	}
	return nil
}

// park is the on-failure destination: a log line and a line in
// <data>/dead-letter.jsonl, ids only.
func (a *App) park(_ context.Context, p streams.Parked) {
	a.deadMu.Lock()
	defer a.deadMu.Unlock()
	a.parked = append(a.parked, p)
	if a.deadFile == "" {
		return
	}
	b, _ := json.Marshal(p)
	f, err := os.OpenFile(a.deadFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		a.log.Error("dead-letter file", slog.String("error", err.Error()))
		return
	}
	defer f.Close()
	_, _ = f.Write(append(b, '\n'))
}

// Parked returns the stream records parked so far in this run.
func (a *App) Parked() []streams.Parked {
	a.deadMu.Lock()
	defer a.deadMu.Unlock()
	return append([]streams.Parked(nil), a.parked...)
}

// DrainStreams delivers every stream record there is now, and the records
// those deliveries cause (a referral's classification queues an email),
// until a full round finds nothing new.
func (a *App) DrainStreams(ctx context.Context) error {
	for range 50 {
		total := 0
		for _, c := range a.consumers {
			n, err := c.RunOnce(ctx)
			if err != nil {
				return err
			}
			total += n
		}
		if total == 0 {
			return nil
		}
	}
	return errors.New("localapp: streams still busy after 50 rounds")
}

// RunSchedules runs every scheduled function once now, with its
// schedule's input.
func (a *App) RunSchedules(ctx context.Context) error {
	var errs []error
	for _, s := range a.schedules {
		if err := s.run(ctx, s.input); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", s.function, s.event, err))
		}
	}
	return errors.Join(errs...)
}

// Consumers lists the functions whose streams are being consumed.
func (a *App) Consumers() []string {
	out := make([]string, len(a.consumers))
	for i, c := range a.consumers {
		out[i] = c.Function
	}
	return out
}

// AgencyToken gets a token for a demo agency client from the token
// endpoint, as an agency would (client credentials, HTTP Basic).
func (a *App) AgencyToken(ctx context.Context, clientID string) (string, error) {
	var secret string
	for _, c := range a.Issuer.Clients() {
		if c.ID == clientID {
			secret = c.Secret
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Issuer.TokenURL(), strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("localapp: token: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("localapp: token for %s: status %d", clientID, resp.StatusCode)
	}
	return body.AccessToken, nil
}

// PostReferral posts a referral body through the gateway as an agency
// would (seed.PostReferral).
func (a *App) PostReferral(ctx context.Context, clientID, key string, body []byte) error {
	tok, err := a.AgencyToken(ctx, clientID)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL+"/v1/referrals", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return fmt.Errorf("POST /v1/referrals: %d %s", resp.StatusCode, b)
	}
	return nil
}

// StaffWithRole returns the ids of the demo staff holding role.
func StaffWithRole(role auth.Role) []string {
	var out []string
	for _, s := range seed.DemoStaff() {
		for _, r := range s.Roles {
			if r == role {
				out = append(out, s.ID)
			}
		}
	}
	return out
}

// Stop stops the server, the pollers and schedules, and the local stack
// if Start started it. It is safe to call more than once.
func (a *App) Stop() {
	a.stopOnce.Do(func() {
		if a.server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = a.server.Shutdown(ctx)
			cancel()
		}
		if a.cancel != nil {
			a.cancel()
		}
		a.wg.Wait()
		if a.ownsStack {
			a.Stack.Stop()
		}
	})
}
