// Package lambdaevent tells apart the two events a function gets when it
// consumes a DynamoDB stream and also runs on an EventBridge schedule whose
// input is {"sweep":"<name>"} (the mailer and the reminders function).
package lambdaevent

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
)

// Event is one decoded payload: a stream batch, or a schedule's sweep.
type Event struct {
	// Stream is the batch if the payload has Records, else nil.
	Stream *events.DynamoDBEvent
	// Sweep is the schedule input's "sweep" ("" if absent).
	Sweep string
}

// Decode reads a payload. Neither Records nor sweep gives the zero Event:
// the caller says which sweep it runs and answers anything else.
func Decode(payload json.RawMessage) (Event, error) {
	var probe struct {
		Records json.RawMessage `json:"Records"`
		Sweep   *string         `json:"sweep"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return Event{}, fmt.Errorf("decode event: %w", err)
	}
	if probe.Records != nil && !bytes.Equal(probe.Records, []byte("null")) {
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return Event{}, fmt.Errorf("decode stream event: %w", err)
		}
		return Event{Stream: &ev}, nil
	}
	if probe.Sweep != nil {
		return Event{Sweep: *probe.Sweep}, nil
	}
	return Event{}, nil
}
