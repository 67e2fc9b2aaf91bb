// Package wiring builds what every function needs from its environment:
// the AWS configuration and DynamoDB client, table names, clock, id
// generator, logger and the settings template.yaml passes in. It links only
// what every function uses: a function that sends email builds its SES
// client from Deps.AWS (shared/email.NewClient), so the others neither link
// nor initialise the SES SDK. The functions' main.go files and the
// local dev server both call it, so a function runs the same way on Lambda
// and on a laptop: locally DYNAMODB_ENDPOINT and SES_ENDPOINT point at
// DynamoDB Local and the local SES server.
package wiring

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
	"github.com/mappa-coordinator/mappa/shared/retention"
)

// Config is the functions' settings.
type Config struct {
	Stage          string
	AppOrigin      string // e.g. https://mappa.example.gov.uk, for links in email
	MailFrom       string // verified SES identity
	MappaInbox     string // the council's MAPPA inbox
	Agencies       auth.Agencies
	StaffClient    string // staff web app client id
	AuthBaseURL    string // Cognito hosted domain (or the dev issuer)
	SESConfigSet   string
	DynamoEndpoint string // "" on AWS
	SESEndpoint    string // "" on AWS
	// ReplyKeys signs the one-click reply links ("id:base64key,..."; the
	// first is current). Locally it comes from the dev server's config; on
	// AWS ReplyKeysParameter names the SSM SecureString holding it (read
	// by the functions that sign or check links).
	ReplyKeys          string
	ReplyKeysParameter string
	// SPOC is the single point of contact for short-notice meetings and
	// Coordinator the MAPPA co-ordinator (Board escalations); "" uses
	// MappaInbox. DigestTo lists the managers who get the monthly digest.
	SPOC        string
	Coordinator string
	DigestTo    []string
	// RetentionDays is how long a closed case's records are kept
	// (shared/retention; 0 means retention.DefaultDays).
	RetentionDays int
}

// ConfigFrom reads Config through getenv (os.Getenv on Lambda).
func ConfigFrom(getenv func(string) string) Config {
	return Config{
		Stage:              getenv("STAGE"),
		AppOrigin:          getenv("APP_ORIGIN"),
		MailFrom:           getenv("MAIL_FROM"),
		MappaInbox:         getenv("MAPPA_INBOX"),
		Agencies:           auth.ParseAgencies(getenv("AGENCY_CLIENTS")),
		StaffClient:        getenv("STAFF_CLIENT_ID"),
		AuthBaseURL:        getenv("AUTH_BASE_URL"),
		SESConfigSet:       getenv("SES_CONFIGURATION_SET"),
		DynamoEndpoint:     getenv("DYNAMODB_ENDPOINT"),
		SESEndpoint:        getenv("SES_ENDPOINT"),
		ReplyKeys:          getenv("REPLY_KEYS"),
		ReplyKeysParameter: getenv("REPLY_KEYS_PARAMETER"),
		SPOC:               getenv("MAPPA_SPOC"),
		Coordinator:        getenv("MAPPA_COORDINATOR"),
		DigestTo:           splitList(getenv("DIGEST_TO")),
		RetentionDays:      atoi(getenv("RETENTION_DAYS")),
	}
}

// Retention is the deployment's retention policy (RETENTION_DAYS, or the
// product's default).
func Retention(c Config) retention.Policy {
	if c.RetentionDays > 0 {
		return retention.Policy{Days: c.RetentionDays}
	}
	return retention.Default()
}

// atoi reads a whole number; anything else is 0 (the default).
func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Deps is everything a function's constructor may need. Clients a few
// functions use (SES) are built by those functions from AWS.
type Deps struct {
	Config Config
	Tables dynamo.Tables
	AWS    aws.Config // region and credentials, for further clients
	DB     *dynamodb.Client
	Clock  clock.Clock
	IDs    ids.Generator
}

// From builds Deps from the settings getenv returns (os.Getenv on
// Lambda). It fails if a client cannot be set up; each function's
// constructor then checks the tables it uses (dynamo.Tables.Require), so a
// misconfigured function fails at start-up.
func From(ctx context.Context, getenv func(string) string) (Deps, error) {
	return New(ctx, ConfigFrom(getenv), dynamo.TablesFrom(getenv))
}

// New builds Deps from explicit settings (the dev server and tests).
func New(ctx context.Context, cfg Config, tables dynamo.Tables) (Deps, error) {
	awsCfg, err := AWSConfig(ctx, cfg)
	if err != nil {
		return Deps{}, err
	}
	db := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if cfg.DynamoEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.DynamoEndpoint)
		}
	})
	clk := clock.System{}
	return Deps{Config: cfg, Tables: tables, AWS: awsCfg, DB: db, Clock: clk, IDs: ids.Random{Clock: clk}}, nil
}

// AWSConfig is the AWS configuration of a function (dynamo.LoadConfig):
// locally, with an endpoint set, static local credentials; on Lambda the
// region and credentials Lambda puts in the environment.
func AWSConfig(ctx context.Context, cfg Config) (aws.Config, error) {
	endpoint := cfg.DynamoEndpoint
	if endpoint == "" {
		endpoint = cfg.SESEndpoint
	}
	c, err := dynamo.LoadConfig(ctx, endpoint)
	if err != nil {
		return aws.Config{}, fmt.Errorf("wiring: %w", err)
	}
	return c, nil
}

// SetupLogging installs the JSON slog handler every function logs through.
// Lambda adds the request id of the invocation; HTTP handlers add theirs
// (shared/httpapi). Log ids only: never names, dates of birth or addresses.
func SetupLogging(function string) {
	h := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo})
	slog.SetDefault(slog.New(h).With(slog.String("function", function)))
}

// Boot is the first line of every function's main: JSON logging tagged with
// the function's name, then its dependencies from the environment. A
// function that cannot start exits at once, so Lambda reports an init error
// instead of serving with half its configuration.
func Boot(function string) (context.Context, Deps) {
	SetupLogging(function)
	ctx := context.Background()
	deps, err := From(ctx, os.Getenv)
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
