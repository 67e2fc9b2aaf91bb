package lambdaevent_test

import (
	"testing"

	"github.com/mappa-coordinator/mappa/shared/lambdaevent"
)

func TestDecodeTellsAStreamBatchFromASweep(t *testing.T) {
	ev, err := lambdaevent.Decode([]byte(`{"Records":[{"eventName":"INSERT","dynamodb":{"Keys":{"pk":{"S":"x"}}}}]}`))
	if err != nil || ev.Stream == nil || len(ev.Stream.Records) != 1 || ev.Stream.Records[0].EventName != "INSERT" || ev.Sweep != "" {
		t.Errorf("stream batch: %+v, %v", ev, err)
	}
	ev, err = lambdaevent.Decode([]byte(`{"sweep":"outbox"}`))
	if err != nil || ev.Stream != nil || ev.Sweep != "outbox" {
		t.Errorf("sweep: %+v, %v", ev, err)
	}
	for _, other := range []string{`{}`, `{"Records":null}`, `{"detail-type":"Scheduled Event"}`} {
		if ev, err := lambdaevent.Decode([]byte(other)); err != nil || ev.Stream != nil || ev.Sweep != "" {
			t.Errorf("%s: %+v, %v; want the zero Event", other, ev, err)
		}
	}
	for _, bad := range []string{`not json`, `{"Records":"not a list"}`} {
		if _, err := lambdaevent.Decode([]byte(bad)); err == nil {
			t.Errorf("%s decoded without error", bad)
		}
	}
}
