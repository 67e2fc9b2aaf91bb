package app

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// outside is the relative path of the reference material kept beside the
// repository for the people who built it. The project must not depend on
// it or send a reader there: what a reader needs is copied into docs/
// (docs/domain.md has the local documents and the worked examples). The
// string is built so this file does not name it.
var outside = []string{".." + "/shared/", "/work/" + "shared"}

// TestNothingPointsOutsideTheRepository: no tracked file (code, docs,
// tests, front end) mentions the reference material outside the
// repository.
func TestNothingPointsOutsideTheRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files := trackedFiles(t, root)
	if len(files) < 100 {
		t.Fatalf("found only %d files under %s", len(files), root)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			if os.IsNotExist(err) {
				continue // deleted in the working tree, not yet committed
			}
			t.Fatal(err)
		}
		for i, line := range bytes.Split(b, []byte("\n")) {
			for _, o := range outside {
				if bytes.Contains(line, []byte(o)) {
					t.Errorf("%s:%d mentions %q: copy what a reader needs into docs/ and point there", f, i+1, o)
				}
			}
		}
	}
}

// trackedFiles lists the repository's files: git's list where there is a
// repository, else every file outside hidden directories and
// node_modules.
func trackedFiles(t *testing.T, root string) []string {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		return files
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
