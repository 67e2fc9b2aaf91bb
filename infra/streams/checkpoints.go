package streams

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// FileCheckpoints keeps checkpoints in a small JSON file (the dev server's
// data directory), so a restart resumes where the last run stopped.
type FileCheckpoints struct {
	Path string

	mu     sync.Mutex
	loaded bool
	m      map[string]string
}

func (f *FileCheckpoints) load() {
	if f.loaded {
		return
	}
	f.loaded = true
	f.m = map[string]string{}
	if b, err := os.ReadFile(f.Path); err == nil {
		_ = json.Unmarshal(b, &f.m)
	}
}

// Load implements Checkpoints.
func (f *FileCheckpoints) Load(key string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.load()
	s, ok := f.m[key]
	return s, ok
}

// Save implements Checkpoints.
func (f *FileCheckpoints) Save(key, seq string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.load()
	f.m[key] = seq
	b, err := json.MarshalIndent(f.m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("checkpoints: %w", err)
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	return os.Rename(tmp, f.Path)
}
