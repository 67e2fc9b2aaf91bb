// Command retention is the RetentionFunction Lambda: it consumes the
// cases, referrals and meetings tables' streams, audits time-to-live
// expiries and gives a case's records the case's expiry. Wiring only;
// shared/app/retentionfn builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app/retentionfn"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	ctx, deps := wiring.Boot("retention")
	h := wiring.Must(retentionfn.New(ctx, deps))
	lambda.Start(h.Handle)
}
