package localstack_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/infra/tables"
	"github.com/mappa-coordinator/mappa/infra/template"
)

func TestMain(m *testing.M) {
	if os.Getenv("LOCALSTACK_TEST_ORPHAN_CHILD") == "1" {
		orphanChild()
		return
	}
	localstack.Main(m)
}

func sesClient(endpoint string) *sesv2.Client {
	return sesv2.New(sesv2.Options{
		Region:       "eu-west-2",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
}

func send(t *testing.T, endpoint, to, subject string) {
	t.Helper()
	_, err := sesClient(endpoint).SendEmail(context.Background(), &sesv2.SendEmailInput{
		FromEmailAddress: aws.String("mappa@example.gov.uk"),
		Destination:      &sestypes.Destination{ToAddresses: []string{to}, CcAddresses: []string{"cc-" + to}},
		Content: &sestypes.EmailContent{Simple: &sestypes.Message{
			Subject: &sestypes.Content{Data: aws.String(subject)},
			Body: &sestypes.Body{
				Text: &sestypes.Content{Data: aws.String("plain body")},
				Html: &sestypes.Content{Data: aws.String("<p>html body</p>")},
			},
		}},
	})
	if err != nil {
		t.Fatalf("send email: %v", err)
	}
}

func TestEmailSentThroughSESIsReadBackFromTheStore(t *testing.T) {
	s := localstack.ForTest(t)
	since := time.Now().Add(-time.Second)
	to := fmt.Sprintf("inbox-%d@example.gov.uk", time.Now().UnixNano())
	send(t, s.SESEndpoint, to, "New referral")

	emails, err := s.SESStore(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	var got *localstack.Email
	for i, e := range emails {
		if slices.Contains(e.Destination.To, to) {
			got = &emails[i]
		}
	}
	if got == nil {
		t.Fatalf("email to %s not in the store (%d emails)", to, len(emails))
	}
	if got.From != "mappa@example.gov.uk" || got.Subject != "New referral" ||
		got.Body.Text != "plain body" || !strings.Contains(got.Body.HTML, "html body") ||
		!slices.Equal(got.Destination.CC, []string{"cc-" + to}) || got.MessageID == "" || got.At < since.Unix() {
		t.Errorf("stored email = %+v", *got)
	}

	later, err := s.SESStore(context.Background(), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(later) != 0 {
		t.Errorf("since in the future returned %d emails", len(later))
	}
}

// A private stack with a data directory: data survives a restart, ClearSES
// empties the store, Stop leaves no process behind.
func TestPersistentStackKeepsDataAcrossRestartsAndStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own services")
	}
	dir := t.TempDir()
	ctx := context.Background()
	tpl, err := template.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}

	s, err := localstack.Start(ctx, localstack.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	if _, err := tables.Create(ctx, s.DB(t), tpl, "dev-"); err != nil {
		t.Fatal(err)
	}
	send(t, s.SESEndpoint, "a@example.gov.uk", "one")
	if err := s.ClearSES(ctx); err != nil {
		t.Fatal(err)
	}
	if emails, err := s.SESStore(ctx, time.Time{}); err != nil || len(emails) != 0 {
		t.Errorf("after ClearSES: %d emails, %v", len(emails), err)
	}
	pids := servicePIDs(t, s)
	s.Stop()
	s.Stop() // twice is fine
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("process %d still running after Stop", pid)
		}
	}

	s2, err := localstack.Start(ctx, localstack.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s2.Stop)
	out, err := s2.DB(t).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(out.TableNames, "dev-CasesTable") {
		t.Errorf("tables after restart = %v", out.TableNames)
	}
}

func TestStartRefusesAPortInUse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own services")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = localstack.Start(context.Background(), localstack.Options{DynamoPort: port})
	if err == nil || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("err = %v, want port %d refused", err, port)
	}
}

// If the process that started the stack is killed outright (no chance to
// call Stop), the kernel kills the services too: no orphaned java.
func TestServicesDieWithAKilledParent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own services")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOCALSTACK_TEST_ORPHAN_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		_ = cmd.Process.Kill()
		t.Fatalf("child printed nothing: %v", sc.Err())
	}
	var pids []int
	for _, f := range strings.Fields(sc.Text()) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("child said %q", sc.Text())
		}
		pids = append(pids, pid)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("service %d survived its killed parent", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func orphanChild() {
	s, err := localstack.Start(context.Background(), localstack.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(strings.Trim(fmt.Sprint(localstack.PIDs(s)), "[]"))
	select {} // wait to be killed
}

func servicePIDs(t *testing.T, s *localstack.Stack) []int {
	t.Helper()
	pids := localstack.PIDs(s)
	if len(pids) != 2 {
		t.Fatalf("pids = %v", pids)
	}
	return pids
}

func alive(pid int) bool {
	// A zombie still answers kill(0); read its state instead.
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] != "Z"
}
