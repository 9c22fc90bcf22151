package mail

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// The outbox records each message's state from the hooks while the batch
// runs: Sending before the message leaves, Done right after its outcome,
// once per message, in order, and nothing is sent when Sending refuses.
func TestHooksFollowTheBatchMessageByMessage(t *testing.T) {
	stub := newStubSMTP(t)
	stub.data = func(n int) stubAction {
		if n == 2 {
			return stubDropBeforeReply // m3: delivered or not, nobody knows
		}
		return stubAccept
	}
	msgs := batchOf(5)
	msgs[1].To = "not an address" // fails to build: never handed over
	var events []string
	h := Hooks{
		Sending: func(i int) error {
			events = append(events, fmt.Sprintf("sending %d delivered=%d", i, len(stub.deliveredTo())))
			if i == 3 {
				return errors.New("database is closed")
			}
			return nil
		},
		Done: func(i int, err error) {
			events = append(events, fmt.Sprintf("done %d ok=%v maybe=%v delivered=%d", i, err == nil, MaybeDelivered(err), len(stub.deliveredTo())))
		},
	}
	errs := newSender(t, stub.settings()).SendWith(ctxT(t), msgs, h)
	want := []string{
		"done 1 ok=false maybe=false delivered=0", // the bad address, before any connection
		"sending 0 delivered=0", "done 0 ok=true maybe=false delivered=1",
		"sending 2 delivered=1", "done 2 ok=false maybe=true delivered=1",
		"sending 3 delivered=1", "done 3 ok=false maybe=false delivered=1",
		"sending 4 delivered=1", "done 4 ok=true maybe=false delivered=2",
	}
	if !slices.Equal(events, want) {
		t.Errorf("events:\n%q\nwant\n%q", events, want)
	}
	if got := stub.deliveredTo(); !slices.Equal(got, []string{"c1@example.test", "c5@example.test"}) {
		t.Errorf("delivered %v", got)
	}
	if !IsPermanent(errs[1]) || IsPermanent(errs[2]) || IsPermanent(errs[3]) || errs[0] != nil || errs[4] != nil {
		t.Errorf("errs = %v", errs)
	}
	if !MaybeDelivered(errs[2]) || MaybeDelivered(errs[3]) || MaybeDelivered(errors.New("x")) {
		t.Error("only the message dropped before its reply may have been delivered")
	}
}
