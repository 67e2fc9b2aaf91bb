// Command classify is the ClassifyFunction Lambda: it classifies new
// referrals from the referrals table's stream and queues the MAPPA inbox
// email. Wiring only; shared/app builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app"
)

func main() {
	ctx, deps := app.Boot("classify")
	h := app.Must(app.Classify(ctx, deps))
	lambda.Start(h.Handle)
}
