// Package state keeps Pobratim's short-lived state: the step each chat has
// reached in a multi-step dialog, update dedupe keys, per-user throttles and
// lease locks.
//
// Two implementations behave identically and are held to one conformance
// suite (package statetest): Redis, for production and for several bot
// instances sharing one Redis, and Memory, for a single instance and the
// console mode. Nothing here is the only copy of anything that matters: a lost
// dialog means a user starts a flow again, a lost dedupe key means an update
// may be handled twice, so callers treat ErrUnavailable as "carry on without
// state" rather than as a fatal error.
//
// Every duration is a time-to-live measured by the store's own clock: the
// Redis server's clock for Redis, the injected clock for Memory.
package state

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrConflict is returned by PutDialog when the dialog was changed (or
// created, or deleted) by someone else since the caller read it: the
// compare-and-set on Dialog.Version lost. The caller should read the dialog
// again and decide anew.
var ErrConflict = errors.New("state: dialog changed concurrently")

// ErrUnavailable is returned when the store cannot be reached or did not
// answer in time. The returned error wraps both ErrUnavailable and the cause,
// so errors.Is works for either. The condition is transient: the Redis store
// reconnects by itself once the server is back.
var ErrUnavailable = errors.New("state: store unavailable")

// ErrNotHeld is returned by Unlock when the lock is not held by the given
// owner: another owner holds it, or the lease expired (and possibly another
// owner took it since). The lock is left untouched.
var ErrNotHeld = errors.New("state: lock not held by this owner")

// errClosed is the cause reported after Close.
var errClosed = errors.New("store closed")

// Dialog is the position of one chat in a multi-step conversation.
type Dialog struct {
	// Flow names the conversation, such as "meeting.new".
	Flow string `json:"flow"`
	// Step names the question the chat is expected to answer next.
	Step string `json:"step"`
	// Data holds the answers collected so far. An empty map is stored and
	// returned as nil.
	Data map[string]string `json:"data,omitempty"`
	// Version counts the changes to the stored dialog, starting at 1. It is
	// the compare-and-set token for PutDialog: zero means "not stored yet".
	Version int64 `json:"version"`
}

// Rate is a token-bucket limit: at most Burst events at once, and Burst
// events per Per on average. The bucket holds up to Burst tokens and gains one
// token every Per/Burst; each allowed event takes one token.
//
// For example, Rate{Per: time.Minute, Burst: 20} (Telegram's limit for a
// group) allows 20 events at once, then one every 3 seconds; Rate{Per:
// time.Second, Burst: 1} allows one event per second and no burst.
type Rate struct {
	// Per is the time in which the bucket refills completely.
	Per time.Duration
	// Burst is the size of the bucket: how many events may happen at once.
	Burst int
}

// interval returns the time the bucket takes to gain one token, rounded up to
// whole microseconds (the resolution of the Redis clock) so that both
// implementations compute with the same number.
func (r Rate) interval() (time.Duration, error) {
	if r.Per <= 0 || r.Burst <= 0 {
		return 0, fmt.Errorf("invalid rate %v per %v: both must be positive", r.Burst, r.Per)
	}
	iv := r.Per / time.Duration(r.Burst)
	if rem := iv % time.Microsecond; rem != 0 || iv == 0 {
		iv += time.Microsecond - rem
	}
	return iv, nil
}

// checkTTL rejects the lifetimes no store can honour.
func checkTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("invalid ttl %v: must be positive", ttl)
	}
	return nil
}

// checkPut validates the arguments of PutDialog that do not depend on the
// stored dialog.
func checkPut(d Dialog, ttl time.Duration) error {
	if d.Version < 0 {
		return fmt.Errorf("invalid version %d: must not be negative", d.Version)
	}
	return checkTTL(ttl)
}

// checkOwner rejects an empty lock owner, which would make every anonymous
// caller the same owner.
func checkOwner(owner string) error {
	if owner == "" {
		return errors.New("empty lock owner")
	}
	return nil
}

// contextError wraps the error of a done context. A missed deadline means the
// store did not answer in time, so it also counts as ErrUnavailable; a
// cancellation is the caller's own doing and does not.
func contextError(op string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return unavailable(op, err)
	}
	return fmt.Errorf("state: %s: %w", op, err)
}

// unavailable wraps cause so that it matches both ErrUnavailable and cause.
func unavailable(op string, cause error) error {
	return fmt.Errorf("state: %s: %w: %w", op, ErrUnavailable, cause)
}
