// Command rota is the RotaFunction Lambda: it consumes the meetings and
// cases tables' streams and chooses who attends each meeting by the rota
// rules. Wiring only; shared/app builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app"
)

func main() {
	ctx, deps := app.Boot("rota")
	h := app.Must(app.Rota(ctx, deps))
	lambda.Start(h.Handle)
}
