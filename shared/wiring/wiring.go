// Package wiring builds what every function needs from its environment:
// the DynamoDB and SES clients, table names, clock, id generator, logger and
// the settings template.yaml passes in. The functions' main.go files and the
// local dev server both call it, so a function runs the same way on Lambda
// and on a laptop: locally DYNAMODB_ENDPOINT and SES_ENDPOINT point at
// DynamoDB Local and the local SES server.
package wiring

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/ids"
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
}

// ConfigFrom reads Config through getenv (os.Getenv on Lambda).
func ConfigFrom(getenv func(string) string) Config {
	return Config{
		Stage:          getenv("STAGE"),
		AppOrigin:      getenv("APP_ORIGIN"),
		MailFrom:       getenv("MAIL_FROM"),
		MappaInbox:     getenv("MAPPA_INBOX"),
		Agencies:       auth.ParseAgencies(getenv("AGENCY_CLIENTS")),
		StaffClient:    getenv("STAFF_CLIENT_ID"),
		AuthBaseURL:    getenv("AUTH_BASE_URL"),
		SESConfigSet:   getenv("SES_CONFIGURATION_SET"),
		DynamoEndpoint: getenv("DYNAMODB_ENDPOINT"),
		SESEndpoint:    getenv("SES_ENDPOINT"),
	}
}

// Deps is everything a function's constructor may need.
type Deps struct {
	Config Config
	Tables dynamo.Tables
	DB     *dynamodb.Client
	SES    *sesv2.Client
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
	db, err := dynamo.NewClient(ctx, cfg.DynamoEndpoint)
	if err != nil {
		return Deps{}, err
	}
	awsCfg, err := dynamo.LoadConfig(ctx, cfg.SESEndpoint)
	if err != nil {
		return Deps{}, fmt.Errorf("wiring: %w", err)
	}
	ses := sesv2.NewFromConfig(awsCfg, func(o *sesv2.Options) {
		if cfg.SESEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.SESEndpoint)
		}
	})
	clk := clock.System{}
	return Deps{Config: cfg, Tables: tables, DB: db, SES: ses, Clock: clk, IDs: ids.Random{Clock: clk}}, nil
}

// SetupLogging installs the JSON slog handler every function logs through.
// Lambda adds the request id of the invocation; HTTP handlers add theirs
// (shared/httpapi). Log ids only: never names, dates of birth or addresses.
func SetupLogging(function string) {
	h := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo})
	slog.SetDefault(slog.New(h).With(slog.String("function", function)))
}
