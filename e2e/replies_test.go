package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localapp"
	"github.com/mappa-coordinator/mappa/infra/seed"
	"github.com/mappa-coordinator/mappa/shared/app/noticefn"
	"github.com/mappa-coordinator/mappa/shared/notice"
)

// The reply pages and the staff replies and attendance routes, through the
// gateway as a browser and the app call them: accept from the emailed
// link (no sign-in), a replayed or tampered link refused with nothing
// changed, the business support officer sees the reply and records an
// unexplained absence, which is escalated to the chair at once; a social
// worker not on the case sees nothing.
func TestReplyLinksAndAttendanceOverHTTP(t *testing.T) {
	ctx := context.Background()
	app := startApp(t, localapp.Options{Seed: true})
	svc, err := noticefn.Notices(ctx, app.Deps)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-2 * time.Second)
	caseRef := "case-" + randHex()
	lon, _ := time.LoadLocation("Europe/London")
	n := time.Now().In(lon)
	start := time.Date(n.Year(), n.Month(), n.Day(), 0, 1, 0, 0, lon) // today, London
	if _, err := svc.Schedule(ctx, "staff-bso-1", notice.Meeting{ID: "m-" + caseRef, CaseID: caseRef, CaseRef: caseRef, Level: 2,
		Start: start, End: start.Add(2 * time.Hour)}, []notice.Invitee{{StaffID: seed.ServiceMgr1, Email: "hana.dummy@example.gov.uk", Role: "service-manager"}}); err != nil {
		t.Fatal(err)
	}
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	emails, err := app.Stack.SESStore(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	var accept, decline string
	for _, m := range emails {
		if !strings.Contains(m.Subject, caseRef) || m.Destination.To[0] != "hana.dummy@example.gov.uk" {
			continue
		}
		for _, l := range strings.Split(m.Body.Text, "\n") {
			if v, ok := strings.CutPrefix(l, "Accept: "); ok {
				accept = v
			}
			if v, ok := strings.CutPrefix(l, "Decline: "); ok {
				decline = v
			}
		}
	}
	if !strings.HasPrefix(accept, app.URL+"/reply/") || decline == "" {
		t.Fatalf("no reply links in the invitation (emails %d)", len(emails))
	}
	do := func(method, u, token string, form url.Values, body string) (int, string) {
		t.Helper()
		var rd io.Reader
		if form != nil {
			rd = strings.NewReader(form.Encode())
		} else if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequestWithContext(ctx, method, u, rd)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	bso, _ := app.Issuer.StaffToken(seed.BSO1, time.Hour)
	sw, _ := app.Issuer.StaffToken(seed.SocialWorker1, time.Hour)
	replies := func() map[string]any {
		t.Helper()
		status, b := do("GET", app.URL+"/v1/staff/meetings/m-"+caseRef+"/replies", bso, nil, "")
		if status != 200 {
			t.Fatalf("replies: %d %s", status, b)
		}
		var v map[string]any
		_ = json.Unmarshal([]byte(b), &v)
		return v
	}
	first := func(v map[string]any) map[string]any {
		return v["invitations"].([]any)[0].(map[string]any)
	}

	// The landing page shows nothing sensitive and changes nothing.
	status, page := do("GET", accept, "", nil, "")
	if status != 200 || !strings.Contains(page, "Confirm I will attend") || strings.Contains(page, caseRef) || strings.Contains(page, "Hana") {
		t.Fatalf("landing page %d:\n%s", status, page)
	}
	if r := first(replies()); r["reply"] != "awaiting" {
		t.Fatalf("GET changed the reply: %v", r)
	}
	// Tampered: refused (404: the link names no invitation), nothing changed.
	tampered := accept[:len(accept)-3] + "AAA"
	if status, page := do("POST", tampered, "", url.Values{}, ""); status != 404 || !strings.Contains(page, "not valid") {
		t.Fatalf("tampered: %d", status)
	}
	// Accept -> confirmed.
	if status, page := do("POST", accept, "", url.Values{}, ""); status != 200 || !strings.Contains(page, "You have accepted") {
		t.Fatalf("accept: %d %s", status, page)
	}
	v := replies()
	if r := first(v); r["reply"] != "accepted" {
		t.Fatalf("after accept: %v", r)
	}
	// Replayed: refused, nothing changed.
	if status, _ := do("POST", accept, "", url.Values{}, ""); status != 409 {
		t.Fatalf("replay: %d", status)
	}
	if r := first(replies()); r["reply"] != "accepted" || r["repliedAt"] != first(v)["repliedAt"] {
		t.Fatalf("replay changed the reply: %v", r)
	}
	// Declining asks who instead; an empty answer is an error on the page.
	if status, page := do("POST", decline, "", url.Values{"instead": {"deputy"}}, ""); status != 422 || !strings.Contains(page, "There is a problem") {
		t.Fatalf("decline without a deputy: %d", status)
	}
	// A social worker not on the case sees nothing.
	if status, _ := do("GET", app.URL+"/v1/staff/meetings/m-"+caseRef+"/replies", sw, nil, ""); status != 404 {
		t.Fatalf("social worker: %d", status)
	}
	// The BSO records an unexplained absence: the chair is told at once.
	status, b := do("POST", app.URL+"/v1/staff/meetings/m-"+caseRef+"/attendance", bso, nil, `{"invitationId":"`+seed.ServiceMgr1+`","outcome":"did-not-attend"}`)
	if status != 200 {
		t.Fatalf("attendance: %d %s", status, b)
	}
	if r := first(replies()); r["outcome"] != "did-not-attend" || r["escalation"] != "Chair told" {
		t.Fatalf("after attendance: %v", r)
	}
	if status, _ := do("POST", app.URL+"/v1/staff/meetings/m-"+caseRef+"/attendance", bso, nil, `{"invitationId":"`+seed.ServiceMgr1+`","outcome":"maybe"}`); status != 422 {
		t.Fatalf("bad outcome: %d", status)
	}
	if err := app.DrainStreams(ctx); err != nil {
		t.Fatal(err)
	}
	emails, _ = app.Stack.SESStore(ctx, since)
	told := false
	for _, m := range emails {
		if strings.HasPrefix(m.Subject, "Non-attendance:") && strings.Contains(m.Subject, caseRef) {
			told = true
		}
	}
	if !told {
		t.Fatal("the chair (through the MAPPA inbox) was not told")
	}
}
