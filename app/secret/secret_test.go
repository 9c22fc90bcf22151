package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretKeyFile(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadKey("", dir)
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", st.Mode(), err)
	}
	k2, _ := LoadKey("", dir)
	if !bytes.Equal(k1, k2) {
		t.Fatal("key changed between starts")
	}
	os.WriteFile(filepath.Join(dir, KeyFile), []byte("zz"), 0o600)
	if _, err := LoadKey("", dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged key: %v", err)
	}
	k3, _ := LoadKey(strings.Repeat("s", 32), dir)
	if len(k3) != 32 || bytes.Equal(k3, k1) {
		t.Fatal("configured key not used")
	}
}
