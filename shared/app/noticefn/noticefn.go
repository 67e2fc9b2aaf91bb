// Package noticefn builds the meeting notice service (shared/notice) for
// the functions that use it: the reminders function and the web function's
// reply and attendance pages. It is where the reply-link keys are read:
// from SSM Parameter Store on AWS, from the local configuration in the dev
// server.
//
// The one SSM call (GetParameter) is made with a plain signed HTTP request
// rather than the SDK's SSM client: linking that client runs its generated
// schema tables' initialisation at every cold start (about 1.5 ms and
// 1.4 MB, the largest init in the web and reminders functions), for one
// call at start-up.
package noticefn

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/mappa-coordinator/mappa/shared/dynamo"
	"github.com/mappa-coordinator/mappa/shared/notice"
	"github.com/mappa-coordinator/mappa/shared/replylink"
	"github.com/mappa-coordinator/mappa/shared/wiring"
	"github.com/mappa-coordinator/mappa/shared/workdays"
)

// ReplyKeys reads the reply-link keys: from the SSM Parameter Store
// SecureString named by ReplyKeysParameter (decrypted) when set, otherwise
// from ReplyKeys.
func ReplyKeys(ctx context.Context, deps wiring.Deps) (replylink.Keys, error) {
	raw := deps.Config.ReplyKeys
	if name := deps.Config.ReplyKeysParameter; name != "" {
		v, err := getParameter(ctx, deps.AWS, name)
		if err != nil {
			return replylink.Keys{}, fmt.Errorf("noticefn: reply keys parameter: %w", err)
		}
		raw = v
	}
	if raw == "" {
		return replylink.Keys{}, errors.New("noticefn: reply-link keys are not configured (REPLY_KEYS or REPLY_KEYS_PARAMETER)")
	}
	keys, err := replylink.ParseKeys(raw)
	if err != nil {
		return replylink.Keys{}, fmt.Errorf("noticefn: %w", err)
	}
	return keys, nil
}

// Notices builds the meeting notice service (invitations, replies,
// attendance, escalation).
func Notices(ctx context.Context, deps wiring.Deps) (*notice.Service, error) {
	if err := deps.Tables.Require(dynamo.EnvCases, dynamo.EnvOutbox, dynamo.EnvAudit); err != nil {
		return nil, fmt.Errorf("noticefn: %w", err)
	}
	keys, err := ReplyKeys(ctx, deps)
	if err != nil {
		return nil, err
	}
	c := deps.Config
	return &notice.Service{DB: deps.DB, Tables: deps.Tables, Clock: deps.Clock, IDs: deps.IDs, Keys: keys,
		Calendar: workdays.EnglandAndWales(),
		Settings: notice.Settings{AppURL: c.AppOrigin, MailFrom: c.MailFrom, MappaInbox: c.MappaInbox, SPOC: c.SPOC, Coordinator: c.Coordinator}}, nil
}

// ssmEndpoint is SSM's endpoint in a region (tests point it elsewhere).
var ssmEndpoint = func(region string) string { return "https://ssm." + region + ".amazonaws.com/" }

// getParameter reads a SecureString from SSM Parameter Store, decrypted:
// the GetParameter action of SSM's JSON protocol, signed with Signature
// Version 4 with the function's credentials.
func getParameter(ctx context.Context, cfg aws.Config, name string) (string, error) {
	if cfg.Region == "" || cfg.Credentials == nil {
		return "", errors.New("no AWS region or credentials")
	}
	body, err := json.Marshal(map[string]any{"Name": name, "WithDecryption": true})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ssmEndpoint(cfg.Region), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM.GetParameter")
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ssm", cfg.Region, time.Now()); err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	var client aws.HTTPClient = http.DefaultClient
	if cfg.HTTPClient != nil {
		client = cfg.HTTPClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type string `json:"__type"`
		}
		_ = json.Unmarshal(b, &e)
		return "", fmt.Errorf("GetParameter %s: HTTP %d %s", name, resp.StatusCode, e.Type)
	}
	var out struct {
		Parameter struct {
			Value *string
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return "", fmt.Errorf("GetParameter %s: %w", name, err)
	}
	if out.Parameter.Value == nil {
		return "", fmt.Errorf("GetParameter %s: no value", name)
	}
	return *out.Parameter.Value, nil
}
