// Command mailer is the MailerFunction Lambda: it sends queued email from
// the outbox table's stream and sweeps up retries on a schedule. Wiring
// only; shared/app builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app/mailerfn"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	ctx, deps := wiring.Boot("mailer")
	h := wiring.Must(mailerfn.New(ctx, deps))
	lambda.Start(h.Handle)
}
