package store_test

import (
	"testing"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/clock"
	"github.com/mappa-coordinator/mappa/shared/store"
	"github.com/mappa-coordinator/mappa/shared/store/storetest"
)

func TestMain(m *testing.M) { localstack.Main(m) }

// TestContractDynamoDB runs the store's contract against DynamoDB Local,
// each test on its own tables.
func TestContractDynamoDB(t *testing.T) {
	t.Parallel()
	stack := localstack.ForTest(t)
	storetest.Run(t, storetest.Harness{New: func(t *testing.T, clk clock.Clock) storetest.Store {
		return store.New(stack.DB(t), stack.Tables(t), clk)
	}})
}

// TestContractMemory runs the same contract against Memory, the one
// in-memory stand-in other packages' unit tests use.
func TestContractMemory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, storetest.Harness{New: func(_ *testing.T, clk clock.Clock) storetest.Store {
		return store.NewMemory(clk)
	}})
}
