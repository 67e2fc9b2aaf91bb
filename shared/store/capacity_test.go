package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/mappa-coordinator/mappa/infra/localstack"
	"github.com/mappa-coordinator/mappa/shared/store/storetest"
)

// TestConsumedCapacity runs each store operation once on DynamoDB Local
// with ReturnConsumedCapacity INDEXES and checks that it touches only the
// items it needs (each once) and consumes no more than the minimum those
// items allow by AWS's rules; the table is in docs/data-model.md.
func TestConsumedCapacity(t *testing.T) {
	t.Parallel()
	stack := localstack.ForTest(t)
	rows, err := storetest.MeasureCapacity(context.Background(), stack.DB(t), stack.Tables(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !slices.Equal(r.Read, r.WantRead) {
			t.Errorf("%s: read %v, want %v", r.Operation, r.Read, r.WantRead)
		}
		if !slices.Equal(r.Written, r.WantWritten) {
			t.Errorf("%s: wrote %v, want %v", r.Operation, r.Written, r.WantWritten)
		}
		for _, k := range slices.Sorted(maps.Keys(r.Measured)) {
			if r.Measured[k] > r.Minimum[k]+1e-9 {
				t.Errorf("%s: %s consumed %g units, the items it needs cost at least %g (%s)", r.Operation, k, r.Measured[k], r.Minimum[k], r.Sizes)
			}
		}
		if r.MeasuredTotal() == 0 {
			t.Errorf("%s: no capacity reported", r.Operation)
		}
	}
	t.Logf("\n%s", storetest.CapacityMarkdown(rows))
	for _, r := range rows {
		t.Logf("%s: %s", r.Operation, r.Sizes)
	}
}
