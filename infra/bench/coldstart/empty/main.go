// Command empty is the floor for the cold-start benchmark: a Go Lambda that
// does nothing, built the same way as the functions (infra/bench/coldstart).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context) error { return nil })
}
