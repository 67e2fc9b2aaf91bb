package main

import (
	"context"
	"fmt"
	"strings"
)

// Prices: AWS on-demand list prices for Europe (London) eu-west-2, in US
// dollars, as published in November 2024 (after DynamoDB's on-demand price
// cut of 14 November 2024). Check them against the AWS price pages before
// relying on the totals; they are constants here so the model is easy to
// redo.
const (
	priceRegion      = "eu-west-2 (London)"
	priceDate        = "November 2024 list prices"
	usdPerMWrite     = 0.7425       // DynamoDB on-demand, per million write request units
	usdPerMRead      = 0.1485       // DynamoDB on-demand, per million read request units
	usdPerGBMonth    = 0.2970       // DynamoDB Standard storage, per GB-month
	usdPerMLambda    = 0.20         // Lambda requests, per million
	usdPerGBSecArm   = 0.0000133334 // Lambda arm64 duration, per GB-second
	usdPerMHTTPAPI   = 1.11         // API Gateway HTTP API, per million requests
	usdPer1000Emails = 0.10         // SES outbound, per 1,000 emails
	lambdaGB         = 0.25         // MemorySize 256 (template.yaml)
	lambdaSeconds    = 0.05         // assumed billed duration per invocation (measured handlers: 5-60 ms)
	kbPerCase        = 40           // assumed stored per case incl. audit and history (GSIs included)
)

// activity is what one case causes in a month (assumptions, stated in the
// report), with the units of each from the overhead section where measured.
type activity struct {
	what     string
	perMonth float64 // per case
	op       string  // overhead section's operation ("" : assumed units)
	rcu, wcu float64 // assumed units when op is ""
	http     bool    // through API Gateway
}

func activities() []activity {
	return []activity{
		{what: "referral posted by an agency", perMonth: 1.0 / 6, op: "intake", http: true},
		{what: "referral classified (stream)", perMonth: 1.0 / 6, rcu: 2, wcu: 12},
		{what: "decision", perMonth: 1.0 / 6, op: "decision", http: true},
		{what: "staff read of a referral", perMonth: 4, op: "referral read", http: true},
		{what: "staff read of a case", perMonth: 8, op: "case read", http: true},
		{what: "meeting update", perMonth: 1, op: "meeting update", rcu: 4, wcu: 12, http: true},
		{what: "attendance record", perMonth: 4, op: "attendance record", rcu: 2, wcu: 6, http: true},
		{what: "email sent (outbox claim and mark)", perMonth: 6, rcu: 1, wcu: 4},
		{what: "reminder sweep: a due item acted on (its emails queued)", perMonth: 2, op: "sweep per due item", rcu: 0.5, wcu: 2},
	}
}

func costModel(_ context.Context, e *env) (string, error) {
	if e.sweepUnits != [2]float64{} {
		if e.units == nil {
			e.units = map[string][2]float64{}
		}
		e.units["sweep per due item"] = e.sweepUnits
	}
	var rows [][]string
	var b strings.Builder
	b.WriteString("## Cost per month\n\n")
	fmt.Fprintf(&b, "Prices: AWS on-demand, %s, %s (constants in infra/bench/cmd/bench/cost.go; check them before relying on the totals). ", priceRegion, priceDate)
	b.WriteString(`Units per operation are those measured above where the operation is measured, otherwise assumed
(marked). Activity per case per month is an assumption about a MAPPA caseload: a referral every six
months, four reads of a referral and eight of a case, one meeting with four attendance records, six
emails, two due reminders. Lambda: 256 MB arm64, 50 ms billed per invocation. Storage: 40 KB a case.
The daily reminder sweep reads only the items due that day (a query keyed by day), so it scales with
due work, not with the number of cases; the free tiers are ignored. Not included: CloudWatch Logs
ingestion and retention, alarms, KMS requests, data transfer out.

`)
	for _, cases := range []float64{1000, 100000} {
		var rcu, wcu, inv, httpReq, emails float64
		for _, a := range activities() {
			r, w := a.rcu, a.wcu
			if a.op != "" {
				if u, ok := e.units[a.op]; ok {
					r, w = u[0], u[1]
				}
			}
			n := a.perMonth * cases
			rcu += n * r
			wcu += n * w
			inv += n
			if a.http {
				httpReq += n
			}
			if strings.HasPrefix(a.what, "email") {
				emails += n
			}
		}
		inv += 30 * 24 * 60 // the mailer's one-minute retry sweep
		ddb := rcu/1e6*usdPerMRead + wcu/1e6*usdPerMWrite
		storage := cases * kbPerCase / 1e6 * usdPerGBMonth
		lambda := inv/1e6*usdPerMLambda + inv*lambdaSeconds*lambdaGB*usdPerGBSecArm
		api := httpReq / 1e6 * usdPerMHTTPAPI
		ses := emails / 1000 * usdPer1000Emails
		total := ddb + storage + lambda + api + ses
		fmt.Fprintf(e.raw, "BenchmarkCost/cases=%.0f \t1\t%.0f usd-millicents/month\n", cases, total*1e5)
		rows = append(rows, []string{fmt.Sprintf("%.0f", cases), fmt.Sprintf("%.1fM / %.1fM", rcu/1e6, wcu/1e6),
			usd(ddb), usd(storage), fmt.Sprintf("%.2fM", inv/1e6), usd(lambda), usd(api), usd(ses), "**" + usd(total) + "**"})
	}
	b.WriteString(table([]string{"cases", "read / write units", "DynamoDB requests", "storage", "Lambda invocations", "Lambda", "HTTP API", "SES", "total a month"}, rows))
	b.WriteString("\nActivity and units used:\n\n")
	var arows [][]string
	for _, a := range activities() {
		r, w, src := a.rcu, a.wcu, "assumed"
		if a.op != "" {
			if u, ok := e.units[a.op]; ok {
				r, w, src = u[0], u[1], "measured"
			}
		}
		arows = append(arows, []string{a.what, fmt.Sprintf("%.2f", a.perMonth), fmt.Sprintf("%.1f", r), fmt.Sprintf("%.1f", w), src})
	}
	b.WriteString(table([]string{"activity", "per case a month", "read units", "write units", "units"}, arows))
	return b.String(), nil
}

func usd(v float64) string {
	if v < 1 {
		return fmt.Sprintf("$%.2f", v)
	}
	return fmt.Sprintf("$%.0f", v)
}
