package state

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"
)

// sweepEvery is how often Memory drops expired entries that nobody asked for
// again (most dedupe keys are never looked up twice). Between sweeps expired
// entries are ignored, so memory is bounded by one sweep period of traffic
// beyond what is alive.
const sweepEvery = time.Minute

// Memory is an in-process store for a single bot instance and the console
// mode. It behaves exactly like Redis, with the injected clock in place of the
// Redis server's clock. Its state dies with the process. A Memory is safe for
// concurrent use; the zero value is not usable, call NewMemory.
type Memory struct {
	now func() time.Time

	mu        sync.Mutex
	closed    bool
	nextSweep time.Time
	dialogs   map[int64]memDialog
	seen      map[string]time.Time // key -> expiry
	rates     map[string]time.Time // key -> theoretical arrival time, see Allow
	locks     map[string]memLock
}

type memDialog struct {
	d       Dialog
	expires time.Time
}

type memLock struct {
	owner   string
	expires time.Time
}

// NewMemory returns an empty in-process store that reads the time from now;
// pass time.Now outside tests. Expired entries are dropped lazily: on access,
// and by a sweep that runs at most once a minute (by now) during calls, so no
// background goroutine is needed.
func NewMemory(now func() time.Time) *Memory {
	return &Memory{
		now:     now,
		dialogs: make(map[int64]memDialog),
		seen:    make(map[string]time.Time),
		rates:   make(map[string]time.Time),
		locks:   make(map[string]memLock),
	}
}

// begin locks m and returns the current time, or fails as Redis would if m is
// closed or ctx is done. It sweeps expired entries when a sweep is due. The
// caller must unlock m.mu.
func (m *Memory) begin(ctx context.Context, op string) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, contextError(op, err)
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return time.Time{}, unavailable(op, errClosed)
	}
	now := m.now()
	if !now.Before(m.nextSweep) {
		m.sweep(now)
		m.nextSweep = now.Add(sweepEvery)
	}
	return now, nil
}

// sweep drops every entry that has expired by now.
func (m *Memory) sweep(now time.Time) {
	maps.DeleteFunc(m.dialogs, func(_ int64, e memDialog) bool { return !now.Before(e.expires) })
	maps.DeleteFunc(m.seen, func(_ string, exp time.Time) bool { return !now.Before(exp) })
	maps.DeleteFunc(m.rates, func(_ string, tat time.Time) bool { return !now.Before(tat) })
	maps.DeleteFunc(m.locks, func(_ string, l memLock) bool { return !now.Before(l.expires) })
}

// dialog returns the live dialog of chatID, dropping it if it has expired.
func (m *Memory) dialog(chatID int64, now time.Time) (memDialog, bool) {
	e, ok := m.dialogs[chatID]
	if ok && !now.Before(e.expires) {
		delete(m.dialogs, chatID)
		return memDialog{}, false
	}
	return e, ok
}

// GetDialog returns the dialog of chatID, or false if there is none (never
// started, deleted or expired).
func (m *Memory) GetDialog(ctx context.Context, chatID int64) (Dialog, bool, error) {
	now, err := m.begin(ctx, "get dialog")
	if err != nil {
		return Dialog{}, false, err
	}
	defer m.mu.Unlock()
	e, ok := m.dialog(chatID, now)
	if !ok {
		return Dialog{}, false, nil
	}
	return cloneDialog(e.d), true, nil
}

// PutDialog stores d as the dialog of chatID if the stored version still
// equals d.Version (zero: no dialog may be stored), and returns ErrConflict
// otherwise. The stored dialog gets Version d.Version+1, lives for ttl from
// now, and is returned. A negative version or a ttl that is not positive is
// refused. d.Data is copied.
func (m *Memory) PutDialog(ctx context.Context, chatID int64, d Dialog, ttl time.Duration) (Dialog, error) {
	if err := checkPut(d, ttl); err != nil {
		return Dialog{}, fmt.Errorf("state: put dialog: %w", err)
	}
	now, err := m.begin(ctx, "put dialog")
	if err != nil {
		return Dialog{}, err
	}
	defer m.mu.Unlock()
	var stored int64
	if e, ok := m.dialog(chatID, now); ok {
		stored = e.d.Version
	}
	if stored != d.Version {
		return Dialog{}, fmt.Errorf("state: put dialog: %w", ErrConflict)
	}
	d = cloneDialog(d)
	d.Version++
	m.dialogs[chatID] = memDialog{d: d, expires: now.Add(ttl)}
	return cloneDialog(d), nil
}

// DeleteDialog ends the dialog of chatID, if any.
func (m *Memory) DeleteDialog(ctx context.Context, chatID int64) error {
	if _, err := m.begin(ctx, "delete dialog"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	delete(m.dialogs, chatID)
	return nil
}

// CountDialogs returns the number of live dialogs.
func (m *Memory) CountDialogs(ctx context.Context) (int, error) {
	now, err := m.begin(ctx, "count dialogs")
	if err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	maps.DeleteFunc(m.dialogs, func(_ int64, e memDialog) bool { return !now.Before(e.expires) })
	return len(m.dialogs), nil
}

// FirstSeen reports whether key is new: it returns true and remembers key for
// ttl, or false if key was already seen within its ttl. Seeing a key again
// does not extend its ttl. The ttl must be positive.
func (m *Memory) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := checkTTL(ttl); err != nil {
		return false, fmt.Errorf("state: first seen: %w", err)
	}
	now, err := m.begin(ctx, "first seen")
	if err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	if exp, ok := m.seen[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.seen[key] = now.Add(ttl)
	return true, nil
}

// Allow takes a token from the bucket named key, which refills at the given
// rate. It returns true if the event may happen now; otherwise false and the
// time until the next token. A denied event takes nothing. Per and Burst must
// be positive.
//
// The bucket is kept as one instant (the generic cell rate algorithm): its
// theoretical arrival time, when the bucket will be full again. Each allowed
// event moves it one interval (Per/Burst) later; an event is allowed only if
// that leaves it at most Per ahead of now, that is, if a token is left.
func (m *Memory) Allow(ctx context.Context, key string, r Rate) (bool, time.Duration, error) {
	iv, err := r.interval()
	if err != nil {
		return false, 0, fmt.Errorf("state: allow: %w", err)
	}
	now, err := m.begin(ctx, "allow")
	if err != nil {
		return false, 0, err
	}
	defer m.mu.Unlock()
	tat := m.rates[key]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(iv)
	if allowAt := next.Add(-iv * time.Duration(r.Burst)); allowAt.After(now) {
		return false, allowAt.Sub(now), nil
	}
	m.rates[key] = next
	return true, 0, nil
}

// TryLock takes the lock named key for owner for ttl, and reports whether it
// did. If owner already holds the lock, its lease is reset to ttl from now.
// The owner must not be empty and the ttl must be positive.
func (m *Memory) TryLock(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if err := checkOwner(owner); err != nil {
		return false, fmt.Errorf("state: try lock: %w", err)
	}
	if err := checkTTL(ttl); err != nil {
		return false, fmt.Errorf("state: try lock: %w", err)
	}
	now, err := m.begin(ctx, "try lock")
	if err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	if l, ok := m.locks[key]; ok && now.Before(l.expires) && l.owner != owner {
		return false, nil
	}
	m.locks[key] = memLock{owner: owner, expires: now.Add(ttl)}
	return true, nil
}

// Unlock releases the lock named key if owner holds it, and returns
// ErrNotHeld otherwise.
func (m *Memory) Unlock(ctx context.Context, key, owner string) error {
	now, err := m.begin(ctx, "unlock")
	if err != nil {
		return err
	}
	defer m.mu.Unlock()
	if l, ok := m.locks[key]; !ok || !now.Before(l.expires) || l.owner != owner {
		return fmt.Errorf("state: unlock: %w", ErrNotHeld)
	}
	delete(m.locks, key)
	return nil
}

// Ping reports whether the store is usable: it fails only after Close.
func (m *Memory) Ping(ctx context.Context) error {
	if _, err := m.begin(ctx, "ping"); err != nil {
		return err
	}
	m.mu.Unlock()
	return nil
}

// Close drops all state. Later calls fail with ErrUnavailable. Closing twice
// is harmless.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	clear(m.dialogs)
	clear(m.seen)
	clear(m.rates)
	clear(m.locks)
	return nil
}

// entries returns the number of entries held, expired or not; tests use it to
// check that expired entries are dropped.
func (m *Memory) entries() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.dialogs) + len(m.seen) + len(m.rates) + len(m.locks)
}

// cloneDialog returns d with its own copy of Data, nil if empty, so that
// neither the caller nor the store sees the other's later changes.
func cloneDialog(d Dialog) Dialog {
	if len(d.Data) == 0 {
		d.Data = nil
	} else {
		d.Data = maps.Clone(d.Data)
	}
	return d
}
