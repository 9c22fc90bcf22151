package ats

import "context"

// WriteChecker is implemented by connectors that can look up whether a
// note, result link or attachment carrying a marker already exists. The
// write-back outbox uses it when a write's outcome is unknown (a timeout
// after the request was sent), so it writes again only when the first
// attempt did not land. Connectors without it leave such writes to a
// person, which is the safe side of "never write twice".
type WriteChecker interface {
	HasWrite(ctx context.Context, action WriteAction, candidateID, applicationID, marker string) (bool, error)
}
