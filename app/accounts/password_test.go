package accounts

import (
	"strings"
	"testing"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("s3cret password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Fatalf("not argon2id: %s", h)
	}
	if !CheckPassword(h, "s3cret password") || CheckPassword(h, "s3cret passwore") || CheckPassword("garbage", "x") {
		t.Fatal("CheckPassword is wrong")
	}
	h2, _ := HashPassword("s3cret password")
	if h == h2 {
		t.Fatal("hashes must be salted")
	}
}
