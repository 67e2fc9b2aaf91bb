package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

const (
	firstLoadTarget = 150 * 1000 // bytes, compressed
	mainTarget      = 300.0      // ms, loopback
	warmReqTarget   = 3
)

type weightRun struct {
	Bytes    int64    `json:"bytes"`
	Requests int      `json:"requests"`
	DCL      float64  `json:"dcl"`
	Main     float64  `json:"main"`
	URLs     []string `json:"urls"`
	// Largest are the biggest responses (path and bytes on the wire).
	Largest []struct {
		Path  string `json:"path"`
		Bytes int64  `json:"bytes"`
	} `json:"largest"`
}

type weightPage struct {
	Name  string    `json:"name"`
	Path  string    `json:"path"`
	First weightRun `json:"first"`
	Warm  weightRun `json:"warm"`
}

// frontEnd runs frontend/bench/weight.mjs (Chromium through playwright-core
// against its own dev server) and tabulates bytes, requests and times.
func frontEnd(ctx context.Context, e *env) (string, error) {
	cmd := exec.CommandContext(ctx, "node", "frontend/bench/weight.mjs")
	cmd.Dir = e.root
	cmd.Env = append(os.Environ(), fmt.Sprintf("MAPPA_BENCH_ROUNDS=%d", e.pageRounds))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, e.log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("weight.mjs: %w", err)
	}
	var res struct {
		Pages []weightPage `json:"pages"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return "", fmt.Errorf("weight.mjs output: %w", err)
	}
	var rows [][]string
	var largest, warmURLs []string
	found := map[string]bool{}
	for _, p := range res.Pages {
		found[p.Name] = true
		for _, v := range []struct {
			kind string
			r    weightRun
		}{{"first", p.First}, {"warm", p.Warm}} {
			fmt.Fprintf(e.raw, "BenchmarkPage/%s/%s \t%d\t%d ns/op\t%d bytes\t%d requests\t%d dcl-ns\n",
				p.Name, v.kind, e.pageRounds, int64(v.r.Main*1e6), v.r.Bytes, v.r.Requests, int64(v.r.DCL*1e6))
			var miss []string
			if v.r.Main > mainTarget {
				miss = append(miss, fmt.Sprintf("main content +%.0f ms", v.r.Main-mainTarget))
			}
			if v.kind == "first" && v.r.Bytes > firstLoadTarget {
				miss = append(miss, fmt.Sprintf("bytes +%.1f KB (%.0f%%)", float64(v.r.Bytes-firstLoadTarget)/1000, (float64(v.r.Bytes)/firstLoadTarget-1)*100))
				var big []string
				for _, l := range v.r.Largest {
					big = append(big, fmt.Sprintf("%s %.1f KB", l.Path, float64(l.Bytes)/1000))
				}
				if len(big) > 0 {
					largest = append(largest, fmt.Sprintf("- %s: %s", p.Name, strings.Join(big, ", ")))
				}
			}
			if v.kind == "warm" && v.r.Requests > warmReqTarget {
				miss = append(miss, fmt.Sprintf("%d requests more", v.r.Requests-warmReqTarget))
				warmURLs = append(warmURLs, fmt.Sprintf("- %s: %s", p.Name, strings.Join(v.r.URLs, ", ")))
			}
			result := "met"
			if len(miss) > 0 {
				result = "**missed**: " + strings.Join(miss, ", ")
			}
			rows = append(rows, []string{p.Name + " `" + p.Path + "`", v.kind, fmt.Sprintf("%.1f KB", float64(v.r.Bytes)/1000),
				fmt.Sprint(v.r.Requests), fmt.Sprintf("%.0f ms", v.r.DCL), fmt.Sprintf("%.0f ms", v.r.Main), result})
		}
	}
	var missing []string
	for _, n := range []string{"home", "referral", "case", "register", "report"} {
		if !found[n] {
			missing = append(missing, n)
		}
	}
	var b strings.Builder
	b.WriteString("## Front end\n\n")
	fmt.Fprintf(&b, `Chromium (headless, loopback, dev server) signed in as a business support officer; each page
loaded %d times with an empty cache ("first") and then again ("warm"); medians. Bytes are what
crossed the wire (compressed bodies plus headers), requests those that reached the server, "main"
the time from navigation start until the page's heading is in #app. Targets: first load at most
150 KB, main content at most 300 ms, a warm view at most 3 requests.

`, e.pageRounds)
	b.WriteString(table([]string{"page", "load", "bytes", "requests", "DOMContentLoaded", "main content", "target"}, rows))
	if len(missing) > 0 {
		fmt.Fprintf(&b, "\nNot measured (no such page in the app yet): %s.\n", strings.Join(missing, ", "))
	}
	if len(largest) > 0 {
		b.WriteString("\nThe largest responses of each first load over 150 KB (bytes on the wire):\n\n" + strings.Join(largest, "\n") + "\n")
	}
	if len(warmURLs) > 0 {
		b.WriteString("\nWhat the warm views over 3 requests asked for:\n\n" + strings.Join(warmURLs, "\n") + "\n")
	}
	b.WriteString(`
Before (issue 13): the queue's first load was 24 requests and 511 KB uncompressed, DOMContentLoaded
~320 ms, main content ~730 ms; the 15 app modules were revalidated on every view. Now: text is
gzipped; the app's modules are served under a content-hash URL (/app/v/<hash>/) cached as immutable,
so a warm view asks only for the page and its API data; index.html preloads the modules main.mjs
imports and carries the app's configuration; each page's module loads with the page. The typeface is
Arial, not GOV.UK's GDS Transport (reserved for services on GOV.UK; a council's is not one), so no
font files load: that took about 67 KB off every first load.
Times on this shared 2-core machine vary by a factor of two between runs.

Where a target is missed: A warm view over 3 requests is the page's own API calls (listed above): the
signed-in person (/v1/me) and each list or record the page shows.
`)
	return b.String(), nil
}
