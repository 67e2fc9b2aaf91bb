package localstack

import (
	"strings"
	"testing"
)

func TestEnsureInstalledSaysToRunMakeTools(t *testing.T) {
	err := ensureInstalled(t.TempDir())
	if err == nil {
		t.Fatal("no error for an empty directory")
	}
	for _, want := range []string{"make tools", DynamoJar, SESBin} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	b := &tailBuffer{max: 4}
	_, _ = b.Write([]byte("abc"))
	_, _ = b.Write([]byte("defg"))
	if got := b.String(); got != "defg" {
		t.Errorf("got %q", got)
	}
}
