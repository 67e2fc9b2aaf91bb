// Command rota is the RotaFunction Lambda: it consumes the meetings and
// cases tables' streams and chooses who attends each meeting by the rota
// rules. Wiring only; shared/app/rotafn builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app/rotafn"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	ctx, deps := wiring.Boot("rota")
	h := wiring.Must(rotafn.New(ctx, deps))
	lambda.Start(h.Handle)
}
