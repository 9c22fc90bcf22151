package app

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
)

// Secrets at rest (ATS credentials, webhook secrets, later SMTP passwords)
// are sealed with AES-256-GCM under the instance key. The purpose string is
// bound as additional data, so a sealed API key cannot be swapped into,
// say, the webhook secret column and still decrypt.

const sealVersion = 1

var errUnseal = errors.New("stored secret cannot be decrypted: was the secret key changed? (restore DATA_DIR/secret.key or HIRELOOP_SECRET_KEY)")

func (a *App) seal(purpose string, plaintext []byte) ([]byte, error) {
	return seal(a.key, purpose, plaintext)
}

func (a *App) unseal(purpose string, sealed []byte) ([]byte, error) {
	return unseal(a.key, purpose, sealed)
}

func seal(key []byte, purpose string, plaintext []byte) ([]byte, error) {
	if plaintext == nil {
		return nil, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
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

func unseal(key []byte, purpose string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
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
