package app

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// secretKeyFile is created in the data dir on first start when
// HIRELOOP_SECRET_KEY is not given, so a one-command start is still secure.
const secretKeyFile = "secret.key"

// LoadSecretKey returns the 32-byte instance key: derived from the
// configured secret, or read from (and on first start written to) the key
// file with mode 0600. Losing the key makes stored ATS credentials
// unreadable, which is why backups must include it.
func LoadSecretKey(c Config) ([]byte, error) {
	if c.SecretKey != "" {
		k := sha256.Sum256([]byte(c.SecretKey))
		return k[:], nil
	}
	path := filepath.Join(c.DataDir, secretKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		// O_EXCL: if two processes start at once, only one key wins.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadSecretKey(c)
		}
		if err != nil {
			return nil, fmt.Errorf("secret key file %s cannot be created: %v", path, unwrapPathErr(err))
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("secret key file %s cannot be read: %v", path, unwrapPathErr(err))
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("secret key file %s is damaged: expected 64 hex characters", path)
	}
	return key, nil
}
