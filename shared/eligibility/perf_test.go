package eligibility

import (
	"strings"
	"testing"
	"time"
)

func TestWorstCaseIsFast(t *testing.T) {
	off := strings.Repeat(`{"code":"SOA2003-S3","disposal":"conviction","date":"2025-01-10"},`, 99) + `{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-01-10"}`
	f := facts(t, `{"dateOfBirth":"1980-01-01","offences":[`+off+`],"sentence":{"type":"imprisonment","lengthMonths":11,"lengthDays":30},"notification":{"status":"yes"}}`)
	start := time.Now()
	r := Classify(f, today)
	el := time.Since(start)
	t.Logf("%s in %s", r.Outcome, el)
	if el > 200*time.Millisecond {
		t.Errorf("worst case took %s", el)
	}
}
