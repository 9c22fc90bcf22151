// Package secret keeps what hireloop must not store or show in the clear:
// the instance key, secrets sealed under it (ATS credentials, webhook
// secrets, SMTP passwords, AI keys, invitation tokens), random tokens and
// their lookup hashes, and MACs for signed links.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Purposes bind a sealed value to its column: a sealed API key cannot be
// swapped into, say, the webhook secret column and still decrypt.
const (
	PurposeCredentials     = "ats-credentials"
	PurposeWebhookSecret   = "ats-webhook-secret"
	PurposeInvitationToken = "invitation-token"
	PurposeSMTPPassword    = "smtp-password"
	PurposeLLMKey          = "llm-key"
	PurposeTranscribeKey   = "transcribe-key"
)

// KeyFile is created in the data dir on first start when no secret key is
// configured, so a one-command start is still secure.
const KeyFile = "secret.key"

const sealVersion = 1

var errUnseal = errors.New("stored secret cannot be decrypted: was the secret key changed? (restore DATA_DIR/secret.key or HIRELOOP_SECRET_KEY)")

// Box seals and opens secrets at rest with AES-256-GCM under the instance
// key; the purpose is bound as additional data.
type Box struct{ key []byte }

// NewBox uses a 32-byte key (see LoadKey).
func NewBox(key []byte) *Box { return &Box{key: key} }

// LoadKey returns the 32-byte instance key: derived from configured when
// it is set, else read from (and on first start written to) KeyFile in
// dataDir with mode 0600. Losing the key makes stored credentials
// unreadable, which is why backups must include it.
func LoadKey(configured, dataDir string) ([]byte, error) {
	if configured != "" {
		k := sha256.Sum256([]byte(configured))
		return k[:], nil
	}
	path := filepath.Join(dataDir, KeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		// O_EXCL: if two processes start at once, only one key wins.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadKey(configured, dataDir)
		}
		if err != nil {
			return nil, fmt.Errorf("secret key file %s cannot be created: %v", path, UnwrapPathErr(err))
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("secret key file %s cannot be read: %v", path, UnwrapPathErr(err))
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("secret key file %s is damaged: expected 64 hex characters", path)
	}
	return key, nil
}

// UnwrapPathErr drops the path from an *os.PathError, for messages that
// name the path themselves.
func UnwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func (b *Box) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(b.key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext for purpose; nil stays nil.
func (b *Box) Seal(purpose string, plaintext []byte) ([]byte, error) {
	if plaintext == nil {
		return nil, nil
	}
	gcm, err := b.gcm()
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1, 1+gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	out[0] = sealVersion
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	return gcm.Seal(out, nonce, plaintext, []byte(purpose)), nil
}

// Open decrypts what Seal made for the same purpose; empty stays nil.
func (b *Box) Open(purpose string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	gcm, err := b.gcm()
	if err != nil {
		return nil, err
	}
	if sealed[0] != sealVersion || len(sealed) < 1+gcm.NonceSize()+gcm.Overhead() {
		return nil, errUnseal
	}
	nonce := sealed[1 : 1+gcm.NonceSize()]
	pt, err := gcm.Open(nil, nonce, sealed[1+gcm.NonceSize():], []byte(purpose))
	if err != nil {
		return nil, errUnseal
	}
	return pt, nil
}

// MAC is a hex HMAC-SHA256 of msg under a key derived from the instance
// key for domain, so signatures of one kind cannot stand in for another.
func (b *Box) MAC(domain, msg string) string {
	k := sha256.Sum256(append([]byte(domain+"\x00"), b.key...))
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// Token returns n random bytes, URL-safe base64 encoded.
func Token(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is the lookup hash of a token: only hashes of tokens are stored.
func Hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
