package ats

import (
	"errors"
	"testing"
	"time"
)

func TestCapsCacheLoadsOnceWithinTTLAndNeverCachesAFailure(t *testing.T) {
	var c CapsCache
	loads := 0
	fail := true
	load := func() (Capabilities, error) {
		loads++
		if fail {
			return Capabilities{}, errors.New("vendor down")
		}
		return Capabilities{Provider: "x", Writes: map[WriteAction]ActionSupport{ActionNote: {Supported: true}}}, nil
	}
	if _, err := c.Get(load); err == nil {
		t.Fatal("a failed load returned no error")
	}
	fail = false
	for range 3 {
		got, err := c.Get(load)
		if err != nil || got.Provider != "x" {
			t.Fatalf("Get = %+v, %v", got, err)
		}
		got.Writes[ActionNote] = ActionSupport{} // a caller's copy must not reach the cache
	}
	if loads != 2 {
		t.Fatalf("%d loads, want 2 (the failure, then one cached load)", loads)
	}
	if got, _ := c.Get(load); !got.Writes[ActionNote].Supported {
		t.Fatal("a caller's change leaked into the cache")
	}
	c.TTL = time.Nanosecond
	time.Sleep(time.Millisecond)
	_, _ = c.Get(load)
	if loads != 3 {
		t.Fatalf("%d loads after the TTL passed, want 3", loads)
	}
}
