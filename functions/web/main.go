// Command web is the WebFunction Lambda: the staff API, the eligibility
// check, the OpenAPI document and the static front end, behind the HTTP
// API. Wiring only; shared/app/webfn builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/shared/app/webfn"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	ctx, deps := wiring.Boot("web")
	h := wiring.Must(webfn.New(ctx, deps))
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
