package streams_test

import (
	"encoding/json"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/streams"
)

func TestFilterPatterns(t *testing.T) {
	const classify = `{"eventName":["INSERT"],"dynamodb":{"NewImage":{"type":{"S":["referral"]}}}}`
	rec := func(name, typ string) string {
		return `{"eventName":"` + name + `","dynamodb":{"NewImage":{"type":{"S":"` + typ + `"},"n":{"N":"5"}},"Keys":{"pk":{"S":"REFERRAL#1"}}}}`
	}
	tests := []struct {
		name     string
		patterns []string
		record   string
		want     bool
	}{
		{"no patterns pass everything", nil, rec("REMOVE", "x"), true},
		{"classify: referral insert", []string{classify}, rec("INSERT", "referral"), true},
		{"classify: other type", []string{classify}, rec("INSERT", "case"), false},
		{"classify: modify", []string{classify}, rec("MODIFY", "referral"), false},
		{"classify: no new image", []string{classify}, `{"eventName":"INSERT","dynamodb":{}}`, false},
		{"any of several values", []string{`{"eventName":["MODIFY","INSERT"]}`}, rec("INSERT", "x"), true},
		{"patterns are ORed", []string{`{"eventName":["REMOVE"]}`, `{"eventName":["INSERT"]}`}, rec("INSERT", "x"), true},
		{"prefix", []string{`{"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"REFERRAL#"}]}}}}`}, rec("INSERT", "x"), true},
		{"prefix miss", []string{`{"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"CASE#"}]}}}}`}, rec("INSERT", "x"), false},
		{"anything-but", []string{`{"eventName":[{"anything-but":["REMOVE"]}]}`}, rec("INSERT", "x"), true},
		{"anything-but miss", []string{`{"eventName":[{"anything-but":"INSERT"}]}`}, rec("INSERT", "x"), false},
		{"exists", []string{`{"dynamodb":{"NewImage":{"n":[{"exists":true}]}}}`}, rec("INSERT", "x"), true},
		{"not exists", []string{`{"dynamodb":{"OldImage":[{"exists":false}]}}`}, rec("INSERT", "x"), true},
		{"numeric on a DynamoDB number", []string{`{"dynamodb":{"NewImage":{"n":{"N":[{"numeric":[">",3,"<=",5]}]}}}}`}, rec("INSERT", "x"), true},
		{"numeric miss", []string{`{"dynamodb":{"NewImage":{"n":{"N":[{"numeric":[">",5]}]}}}}`}, rec("INSERT", "x"), false},
		{"equals-ignore-case", []string{`{"eventName":[{"equals-ignore-case":"insert"}]}`}, rec("INSERT", "x"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := streams.CompileFilter(tt.patterns)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(tt.record), &m); err != nil {
				t.Fatal(err)
			}
			if got := f.Match(m); got != tt.want {
				t.Fatalf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBadFilterPatternsAreRefused(t *testing.T) {
	for _, p := range []string{`not json`, `{"eventName":"INSERT"}`, `{"eventName":[{"wildcard":"*"}]}`, `{"eventName":[{"prefix":"a","suffix":"b"}]}`} {
		if _, err := streams.CompileFilter([]string{p}); err == nil {
			t.Errorf("pattern %s accepted", p)
		}
	}
}
