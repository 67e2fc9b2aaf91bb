// Package noticefn builds the meeting notice service (shared/notice) for
// the functions that use it: the reminders function and the web function's
// reply and attendance pages. It is where the reply-link keys are read:
// from SSM Parameter Store on AWS, from the local configuration in the dev
// server.
package noticefn

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

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
		out, err := ssm.NewFromConfig(deps.AWS).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
		if err != nil {
			return replylink.Keys{}, fmt.Errorf("noticefn: reply keys parameter: %w", err)
		}
		raw = aws.ToString(out.Parameter.Value)
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
