package wiring

import (
	"context"
	"testing"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

func TestAWSConfigOnLambdaComesFromTheEnvironment(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-2")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "token")
	cfg, err := AWSConfig(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-2" {
		t.Errorf("region = %q", cfg.Region)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "AKIAEXAMPLE" || creds.SecretAccessKey != "secret" || creds.SessionToken != "token" {
		t.Errorf("credentials = %+v", creds)
	}
}

func TestAWSConfigFailsWithoutLambdaEnvironment(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if _, err := AWSConfig(context.Background(), Config{}); err == nil {
		t.Fatal("want an error: a function must not start without credentials")
	}
}

func TestAWSConfigLocally(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	cfg, err := AWSConfig(context.Background(), Config{SESEndpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || cfg.Region != "eu-west-2" || creds.AccessKeyID != "local" {
		t.Errorf("local config = %q %+v %v", cfg.Region, creds, err)
	}
	deps, err := New(context.Background(), Config{DynamoEndpoint: "http://127.0.0.1:1"}, dynamo.Tables{Cases: "c"})
	if err != nil || deps.DB == nil || deps.Clock == nil || deps.IDs == nil {
		t.Errorf("New = %+v, %v", deps, err)
	}
}
