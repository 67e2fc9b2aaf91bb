package eligibility

import (
	"strings"
	"testing"
)

// BenchmarkClassifyWorstCase classifies the largest facts the API accepts
// in practice: a hundred offences, with notification to work out. `make
// bench` runs it; compare runs with benchstat rather than timing in tests.
func BenchmarkClassifyWorstCase(b *testing.B) {
	off := strings.Repeat(`{"code":"SOA2003-S3","disposal":"conviction","date":"2025-01-10"},`, 99) + `{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-01-10"}`
	f := facts(b, `{"dateOfBirth":"1980-01-01","offences":[`+off+`],"sentence":{"type":"imprisonment","lengthMonths":11,"lengthDays":30},"notification":{"status":"yes"}}`)
	b.ReportAllocs()
	for b.Loop() {
		_ = Classify(f, today)
	}
}

// BenchmarkClassifyTypical classifies worked example 1.
func BenchmarkClassifyTypical(b *testing.B) {
	f := facts(b, `{"dateOfBirth":"1980-06-15","offences":[{"code":"OAPA1861-S18","disposal":"conviction","date":"2025-05-01"}],
		"sentence":{"type":"imprisonment","lengthMonths":48},"dates":{"sentenceDate":"2025-05-01","licenceEndDate":"2029-05-31"},"notification":{"status":"no"}}`)
	b.ReportAllocs()
	for b.Loop() {
		_ = Classify(f, today)
	}
}
