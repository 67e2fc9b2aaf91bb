package localstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/mappa-coordinator/mappa/infra/tables"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

var (
	sharedOnce  sync.Once
	shared      *Stack
	sharedErr   error
	sharedOwned bool
)

// ForTest returns the local stack for integration tests. When
// MAPPA_TEST_DYNAMODB_ENDPOINT and MAPPA_TEST_SES_ENDPOINT are both set
// (make test does this) it uses those services; otherwise it starts one
// in-memory stack for the whole test binary. The stack started here is
// stopped by Main, or killed with the test binary if the package has no
// TestMain. With -short, the calling test is skipped.
func ForTest(t testing.TB) *Stack {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs DynamoDB Local and the local SES server (skipped with -short)")
	}
	sharedOnce.Do(func() {
		dyn, ses := os.Getenv(EnvDynamoEndpoint), os.Getenv(EnvSESEndpoint)
		if dyn != "" && ses != "" {
			shared = &Stack{DynamoEndpoint: dyn, SESEndpoint: ses}
			return
		}
		shared, sharedErr = Start(context.Background(), Options{})
		sharedOwned = sharedErr == nil
	})
	if sharedErr != nil {
		t.Fatalf("local stack: %v", sharedErr)
	}
	return shared
}

// Main runs the tests and then stops the stack ForTest started, if any.
// Use it from a package's TestMain:
//
//	func TestMain(m *testing.M) { localstack.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if sharedOwned {
		shared.Stop()
	}
	os.Exit(code)
}

// DB returns a DynamoDB client for the stack.
func (s *Stack) DB(t testing.TB) *dynamodb.Client {
	t.Helper()
	c, err := s.Client(context.Background())
	if err != nil {
		t.Fatalf("local stack: dynamodb client: %v", err)
	}
	return c
}

// Tables creates a fresh set of every table in template.yaml under a
// prefix unique to this test, returns their names and drops them when the
// test ends.
func (s *Stack) Tables(t testing.TB) dynamo.Tables {
	t.Helper()
	tpl, err := s.Template()
	if err != nil {
		t.Fatalf("local stack: %v", err)
	}
	prefix := TablePrefix(t.Name())
	db := s.DB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	names, err := tables.Create(ctx, db, tpl, prefix)
	if err != nil {
		t.Fatalf("local stack: create tables: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := tables.Delete(ctx, db, tpl, prefix); err != nil {
			t.Logf("local stack: drop tables: %v", err)
		}
	})
	return names
}

var notNameChar = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// TablePrefix returns a unique table-name prefix built from name (a test
// name), for example "TestStore_put-3f9a1c2b-".
func TablePrefix(name string) string {
	n := notNameChar.ReplaceAllString(name, "_")
	if len(n) > 60 {
		n = n[:60]
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return n + "-" + hex.EncodeToString(b) + "-"
}
