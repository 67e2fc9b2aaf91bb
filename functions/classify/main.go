// Command classify is the ClassifyFunction Lambda: it classifies new
// referrals from the referrals table's stream and queues the MAPPA inbox
// email. Wiring only; shared/app/classifyfn builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app/classifyfn"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	ctx, deps := wiring.Boot("classify")
	h := wiring.Must(classifyfn.New(ctx, deps))
	lambda.Start(h.Handle)
}
