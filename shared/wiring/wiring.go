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

// ConfigFromEnv reads Config from the environment.
func ConfigFromEnv() Config {
	return Config{
		Stage:          os.Getenv("STAGE"),
		AppOrigin:      os.Getenv("APP_ORIGIN"),
		MailFrom:       os.Getenv("MAIL_FROM"),
		MappaInbox:     os.Getenv("MAPPA_INBOX"),
		Agencies:       auth.ParseAgencies(os.Getenv("AGENCY_CLIENTS")),
		StaffClient:    os.Getenv("STAFF_CLIENT_ID"),
		AuthBaseURL:    os.Getenv("AUTH_BASE_URL"),
		SESConfigSet:   os.Getenv("SES_CONFIGURATION_SET"),
		DynamoEndpoint: os.Getenv("DYNAMODB_ENDPOINT"),
		SESEndpoint:    os.Getenv("SES_ENDPOINT"),
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

// FromEnv builds Deps from the environment. It fails if a table name or
// client cannot be set up, so a misconfigured function fails at start-up.
func FromEnv(ctx context.Context) (Deps, error) {
	cfg := ConfigFromEnv()
	tables, err := dynamo.TablesFromEnv()
	if err != nil {
		return Deps{}, err
	}
	return New(ctx, cfg, tables)
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
