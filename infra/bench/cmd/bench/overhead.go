package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/auth"
)

const overheadTarget = 1.15

// opStats are one operation's measurements over many requests.
type opStats struct {
	name       string
	total, ddb []time.Duration // per request: end to end, and inside DynamoDB
	rcu, wcu   []float64
	calls      []int
}

func (o *opStats) add(total time.Duration, calls []call) {
	var d time.Duration
	var r, w float64
	for _, c := range calls {
		d += c.Took
		r += c.RCU
		w += c.WCU
	}
	o.total = append(o.total, total)
	o.ddb = append(o.ddb, d)
	o.rcu = append(o.rcu, r)
	o.wcu = append(o.wcu, w)
	o.calls = append(o.calls, len(calls))
}

func q(s []time.Duration, f float64) time.Duration {
	c := slices.Clone(s)
	slices.Sort(c)
	if len(c) == 0 {
		return 0
	}
	return c[int(f*float64(len(c)-1)+0.5)]
}

func medianF(s []float64) float64 {
	c := slices.Clone(s)
	slices.Sort(c)
	if len(c) == 0 {
		return 0
	}
	return c[(len(c)-1)/2]
}

// overhead drives intake, referral and case reads and the decision through
// the dev server's API Gateway emulator, with a proxy in front of DynamoDB
// Local timing every DynamoDB call and reading its consumed capacity.
func overhead(ctx context.Context, e *env) (string, error) {
	st, err := localstack.Start(ctx, localstack.Options{Log: io.Discard})
	if err != nil {
		return "", err
	}
	defer st.Stop()
	px, err := startProxy(st.DynamoEndpoint)
	if err != nil {
		return "", err
	}
	defer px.Close()
	proxied := &localstack.Stack{DynamoEndpoint: px.URL, SESEndpoint: st.SESEndpoint}
	app, err := localapp.Start(ctx, localapp.Options{Stack: proxied, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return "", err
	}
	defer app.Stop()
	slog.SetDefault(slog.New(slog.DiscardHandler))

	agency, err := app.AgencyToken(ctx, "dev-agency-police")
	if err != nil {
		return "", err
	}
	staff, err := app.Issuer.StaffToken(localapp.StaffWithRole(auth.RoleBSO)[0], time.Hour)
	if err != nil {
		return "", err
	}
	do := func(tok, method, path string, body []byte, hdr map[string]string) (time.Duration, []call, map[string]any, error) {
		req, _ := http.NewRequestWithContext(ctx, method, app.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		px.take()
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		took := time.Since(start)
		resp.Body.Close()
		calls := px.take()
		if resp.StatusCode >= 300 {
			return 0, nil, nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return took, calls, m, nil
	}

	k := e.opRounds
	base := seed.DemoReferrals(time.Now())[0].Body
	ops := []*opStats{{name: "intake: POST /v1/referrals"}, {name: "referral read: GET /v1/staff/referrals/{id}"},
		{name: "case read: GET /v1/staff/cases/{id}"}, {name: "decision: POST /v1/staff/referrals/{id}/decisions"}}
	var ids []string
	for i := range k {
		body, err := benchReferral(base, 500000+i)
		if err != nil {
			return "", err
		}
		took, calls, m, err := do(agency, "POST", "/v1/referrals", body, map[string]string{"Idempotency-Key": fmt.Sprintf("ovh-%d-%d", time.Now().UnixNano(), i)})
		if err != nil {
			return "", err
		}
		ops[0].add(took, calls)
		id, _ := m["id"].(string)
		ids = append(ids, id)
	}
	if err := app.DrainStreams(ctx); err != nil {
		return "", err
	}
	var cases []string
	for _, id := range ids {
		took, calls, m, err := do(staff, "GET", "/v1/staff/referrals/"+id, nil, nil)
		if err != nil {
			return "", err
		}
		ops[1].add(took, calls)
		if c, _ := m["caseId"].(string); c != "" {
			cases = append(cases, c)
		}
	}
	for _, c := range cases {
		took, calls, _, err := do(staff, "GET", "/v1/staff/cases/"+c, nil, nil)
		if err != nil {
			return "", err
		}
		ops[2].add(took, calls)
	}
	for _, id := range ids {
		took, calls, _, err := do(staff, "POST", "/v1/staff/referrals/"+id+"/decisions",
			[]byte(`{"decision":"accept","reason":"Meets the threshold for level 2 management."}`), nil)
		if err != nil {
			return "", err
		}
		ops[3].add(took, calls)
	}

	var rows, capRows [][]string
	for _, o := range ops {
		if len(o.total) == 0 {
			continue
		}
		med, p99, dmed, dp99 := q(o.total, 0.5), q(o.total, 0.99), q(o.ddb, 0.5), q(o.ddb, 0.99)
		x := ratio(med, dmed)
		short := strings.SplitN(o.name, ":", 2)[0]
		fmt.Fprintf(e.raw, "BenchmarkOverhead/%s \t%d\t%d ns/op\t%d ddb-ns/op\t%.2f rcu/op\t%.2f wcu/op\n",
			strings.ReplaceAll(short, " ", "-"), len(o.total), med.Nanoseconds(), dmed.Nanoseconds(), medianF(o.rcu), medianF(o.wcu))
		rows = append(rows, []string{o.name, ms(med), ms(p99), ms(dmed), ms(dp99), fmt.Sprintf("%.2fx", x), verdict(x <= overheadTarget)})
		capRows = append(capRows, []string{o.name, fmt.Sprintf("%.0f", medianF(toF(o.calls))), fmt.Sprintf("%.1f", medianF(o.rcu)), fmt.Sprintf("%.1f", medianF(o.wcu))})
	}
	var b strings.Builder
	b.WriteString("## Handler overhead\n\n")
	fmt.Fprintf(&b, `Each operation %d times, one after another, end to end through the dev server (API Gateway
emulator with JWT checks, then the function's real handler), with a proxy in front of DynamoDB Local
timing every DynamoDB call the handler makes. "DynamoDB" is the time spent in those calls in the
same requests; the ratio compares medians. Target: at most %.2fx.

`, k, overheadTarget)
	b.WriteString(table([]string{"operation", "median", "p99", "DynamoDB median", "DynamoDB p99", "ratio", "target"}, rows))
	b.WriteString(`
How this differs from the issue's method: the DynamoDB side is the same calls timed inside the same
requests, not a separate raw replay (a replay of conditional writes would fail its conditions and so
time something else). Only the end-to-end ratio is measured; the handler-only ratio (without the
gateway emulator's JWT check and event conversion) is not separated out yet. Not yet measured: a
meeting update and an attendance record (the meetings and reminders work landed late in this
round).

## Capacity per operation

Consumed capacity as DynamoDB Local reports it (ReturnConsumedCapacity TOTAL on every call, added by
the proxy), median per request, for the same requests as above. DynamoDB Local's accounting follows
DynamoDB's rules (reads by 4 KB, writes by 1 KB, transactions double, GSIs not counted here). The
minimum for the items touched comes from the store's contract suite, which does not report capacity
yet, so the "equal to the minimum" target is not checked in this run.

`)
	b.WriteString(table([]string{"operation", "DynamoDB calls", "read units", "write units"}, capRows))
	e.units = map[string][2]float64{}
	for _, o := range ops {
		e.units[strings.SplitN(o.name, ":", 2)[0]] = [2]float64{medianF(o.rcu), medianF(o.wcu)}
	}
	return b.String(), nil
}

func toF(s []int) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}
