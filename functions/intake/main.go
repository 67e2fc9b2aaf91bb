// Command intake is the IntakeFunction Lambda: agencies post referrals
// (POST /v1/referrals) and read their status (GET /v1/referrals/{id}).
// Wiring only; shared/app/intakefn builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/app/intakefn"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	ctx, deps := wiring.Boot("intake")
	h := wiring.Must(intakefn.New(ctx, deps))
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
