// Command reminders is the RemindersFunction Lambda: the daily sweep of
// due items (EventBridge Scheduler, 07:00 Europe/London), and the
// meetings-stream consumer that keeps invitations in step with meetings. Wiring only;
// shared/app/remindersfn builds the handler.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/mappa-coordinator/mappa/shared/app/remindersfn"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

func main() {
	ctx, deps := wiring.Boot("reminders")
	s := wiring.Must(remindersfn.New(ctx, deps))
	st := wiring.Must(remindersfn.Stream(ctx, deps))
	lambda.Start(remindersfn.Handler(s, st))
}
