// Package statetest holds the conformance suite that every state store
// (state.Redis, state.Memory) must pass, so that the bot behaves the same
// whichever store it runs on, and a manual clock for tests that use
// state.Memory.
package statetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store/state"
)

// Store is the behaviour Run checks: the methods state.Redis and state.Memory
// share. See state.Memory for what each method promises.
type Store interface {
	GetDialog(ctx context.Context, chatID int64) (state.Dialog, bool, error)
	PutDialog(ctx context.Context, chatID int64, d state.Dialog, ttl time.Duration) (state.Dialog, error)
	DeleteDialog(ctx context.Context, chatID int64) error
	CountDialogs(ctx context.Context) (int, error)
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Allow(ctx context.Context, key string, r state.Rate) (ok bool, retryAfter time.Duration, err error)
	TryLock(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
	Unlock(ctx context.Context, key, owner string) error
	Ping(ctx context.Context) error
	Close() error
}

// Clock is implemented by a store under test whose clock Run can move
// forward. Run waits in real time for a store that does not implement it.
type Clock interface {
	// Advance moves the store's clock forward by d.
	Advance(d time.Duration)
}

// ManualClock is a clock that moves only when told to, for state.NewMemory
// in tests. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock that stands at start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's time; pass the method value to state.NewMemory.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// The lifetimes the suite uses. They are short because against Redis the
// suite really waits for them; the checks that a key is still alive leave
// at least 100ms of slack for a slow machine.
const (
	// shortTTL is a lifetime the suite waits out.
	shortTTL = 150 * time.Millisecond
	// margin is how long past an expiry the suite waits before checking
	// that something is gone.
	margin = 50 * time.Millisecond
	// longTTL and halfway test that a lifetime is (or is not) renewed: a
	// check at 2*halfway from the first write is past longTTL, and a check at
	// halfway from the renewal leaves longTTL-halfway of slack.
	longTTL = 300 * time.Millisecond
	halfway = 160 * time.Millisecond
	// hourTTL is a lifetime that does not end during the suite.
	hourTTL = time.Hour
)

// Run checks that the stores newStore makes behave as a state store must.
// newStore returns a new, empty store each time it is called, with keys that
// no other store shares, and arranges (with t.Cleanup) to close it and remove
// what it stored. Run calls it one or more times from each parallel subtest.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T, newStore func(t *testing.T) Store)
	}{
		{"GetMissing", testGetMissing},
		{"CreateUpdateGet", testCreateUpdateGet},
		{"EmptyData", testEmptyData},
		{"DataIsCopied", testDataIsCopied},
		{"Conflict", testConflict},
		{"ConcurrentPut", testConcurrentPut},
		{"DialogExpires", testDialogExpires},
		{"PutRenewsTTL", testPutRenewsTTL},
		{"Delete", testDelete},
		{"Count", testCount},
		{"FirstSeen", testFirstSeen},
		{"FirstSeenWindowNotExtended", testFirstSeenWindowNotExtended},
		{"ConcurrentFirstSeen", testConcurrentFirstSeen},
		{"AllowBurstDenyRefill", testAllowBurstDenyRefill},
		{"AllowFullRefill", testAllowFullRefill},
		{"ConcurrentAllow", testConcurrentAllow},
		{"LockExclusive", testLockExclusive},
		{"LockReentrant", testLockReentrant},
		{"Unlock", testUnlock},
		{"LockExpires", testLockExpires},
		{"ConcurrentTryLock", testConcurrentTryLock},
		{"Namespaces", testNamespaces},
		{"Isolation", testIsolation},
		{"InvalidArguments", testInvalidArguments},
		{"Context", testContext},
		{"Close", testClose},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.test(t, newStore)
		})
	}
}

// advance lets d pass for s: on its clock if it has one, else in real time.
func advance(s Store, d time.Duration) {
	if c, ok := s.(Clock); ok {
		c.Advance(d)
		return
	}
	time.Sleep(d)
}

func mustGet(t *testing.T, s Store, chatID int64) (state.Dialog, bool) {
	t.Helper()
	d, ok, err := s.GetDialog(t.Context(), chatID)
	if err != nil {
		t.Fatalf("GetDialog(%d): %v", chatID, err)
	}
	return d, ok
}

func mustPut(t *testing.T, s Store, chatID int64, d state.Dialog, ttl time.Duration) state.Dialog {
	t.Helper()
	got, err := s.PutDialog(t.Context(), chatID, d, ttl)
	if err != nil {
		t.Fatalf("PutDialog(%d, version %d): %v", chatID, d.Version, err)
	}
	if got.Version != d.Version+1 {
		t.Fatalf("PutDialog(%d, version %d) stored version %d, want %d", chatID, d.Version, got.Version, d.Version+1)
	}
	return got
}

func mustCount(t *testing.T, s Store, want int) {
	t.Helper()
	n, err := s.CountDialogs(t.Context())
	if err != nil {
		t.Fatalf("CountDialogs: %v", err)
	}
	if n != want {
		t.Fatalf("CountDialogs = %d, want %d", n, want)
	}
}

func mustSeen(t *testing.T, s Store, key string, ttl time.Duration, want bool) {
	t.Helper()
	first, err := s.FirstSeen(t.Context(), key, ttl)
	if err != nil {
		t.Fatalf("FirstSeen(%q): %v", key, err)
	}
	if first != want {
		t.Fatalf("FirstSeen(%q) = %v, want %v", key, first, want)
	}
}

func mustAllow(t *testing.T, s Store, key string, r state.Rate, want bool) time.Duration {
	t.Helper()
	ok, retry, err := s.Allow(t.Context(), key, r)
	if err != nil {
		t.Fatalf("Allow(%q): %v", key, err)
	}
	if ok != want {
		t.Fatalf("Allow(%q) = %v (retry after %v), want %v", key, ok, retry, want)
	}
	if ok && retry != 0 {
		t.Fatalf("Allow(%q) allowed with retry after %v, want 0", key, retry)
	}
	return retry
}

func mustLock(t *testing.T, s Store, key, owner string, ttl time.Duration, want bool) {
	t.Helper()
	ok, err := s.TryLock(t.Context(), key, owner, ttl)
	if err != nil {
		t.Fatalf("TryLock(%q, %q): %v", key, owner, err)
	}
	if ok != want {
		t.Fatalf("TryLock(%q, %q) = %v, want %v", key, owner, ok, want)
	}
}

func mustUnlock(t *testing.T, s Store, key, owner string, want error) {
	t.Helper()
	err := s.Unlock(t.Context(), key, owner)
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("Unlock(%q, %q) = %v, want %v", key, owner, err, want)
	}
}

// equalDialogs compares dialogs field by field. A nil Data differs from an
// empty one: stores must return nil for empty Data.
func equalDialogs(a, b state.Dialog) bool {
	return a.Flow == b.Flow && a.Step == b.Step && a.Version == b.Version &&
		(a.Data == nil) == (b.Data == nil) && maps.Equal(a.Data, b.Data)
}

func testGetMissing(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	d, ok := mustGet(t, s, 42)
	if ok || !equalDialogs(d, state.Dialog{}) {
		t.Fatalf("GetDialog of a new chat = %+v, %v; want zero, false", d, ok)
	}
	mustCount(t, s, 0)
}

func testCreateUpdateGet(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	// Group chats have negative ids; both kinds must work.
	for _, chat := range []int64{7, -1001234567890} {
		in := state.Dialog{
			Flow: "meeting.new",
			Step: "date",
			Data: map[string]string{
				"city":  "Віцебск",
				"note":  `a "quoted" <b>text</b>, ё and ў`,
				"empty": "",
			},
		}
		got := mustPut(t, s, chat, in, hourTTL)
		want := in
		want.Version = 1
		if !equalDialogs(got, want) {
			t.Fatalf("PutDialog returned %+v, want %+v", got, want)
		}
		if read, ok := mustGet(t, s, chat); !ok || !equalDialogs(read, want) {
			t.Fatalf("GetDialog after create = %+v, %v; want %+v", read, ok, want)
		}

		next := got
		next.Step = "time"
		next.Data = map[string]string{"city": "Витебск", "date": "2025-12-25"}
		got = mustPut(t, s, chat, next, hourTTL)
		want = next
		want.Version = 2
		if !equalDialogs(got, want) {
			t.Fatalf("PutDialog update returned %+v, want %+v", got, want)
		}
		if read, ok := mustGet(t, s, chat); !ok || !equalDialogs(read, want) {
			t.Fatalf("GetDialog after update = %+v, %v; want %+v", read, ok, want)
		}
	}
}

func testEmptyData(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	for chat, data := range map[int64]map[string]string{1: nil, 2: {}} {
		got := mustPut(t, s, chat, state.Dialog{Flow: "f", Step: "s", Data: data}, hourTTL)
		if got.Data != nil {
			t.Errorf("PutDialog with Data %#v returned Data %#v, want nil", data, got.Data)
		}
		read, ok := mustGet(t, s, chat)
		if !ok || read.Data != nil || read.Flow != "f" || read.Step != "s" {
			t.Errorf("GetDialog after storing Data %#v = %+v, %v; want flow f, step s, nil Data", data, read, ok)
		}
	}
}

func testDataIsCopied(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	data := map[string]string{"k": "v"}
	got := mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "s", Data: data}, hourTTL)
	data["k"] = "changed by caller"
	got.Data["k"] = "changed in result"
	read, _ := mustGet(t, s, 1)
	if read.Data["k"] != "v" {
		t.Fatalf("stored Data changed with the caller's map: %v", read.Data)
	}
	read.Data["k"] = "changed after read"
	again, _ := mustGet(t, s, 1)
	if again.Data["k"] != "v" {
		t.Fatalf("stored Data changed with a read map: %v", again.Data)
	}
}

func testConflict(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	ctx := t.Context()
	v1 := mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "one"}, hourTTL)
	v2 := v1
	v2.Step = "two"
	v2 = mustPut(t, s, 1, v2, hourTTL)

	for _, tc := range []struct {
		name string
		chat int64
		d    state.Dialog
	}{
		{"create over an existing dialog", 1, state.Dialog{Flow: "f", Step: "new"}},
		{"stale version", 1, state.Dialog{Flow: "f", Step: "stale", Version: 1}},
		{"future version", 1, state.Dialog{Flow: "f", Step: "future", Version: 5}},
		{"update of a missing dialog", 2, state.Dialog{Flow: "f", Step: "ghost", Version: 1}},
	} {
		_, err := s.PutDialog(ctx, tc.chat, tc.d, hourTTL)
		if !errors.Is(err, state.ErrConflict) || errors.Is(err, state.ErrUnavailable) {
			t.Errorf("%s: PutDialog = %v, want ErrConflict", tc.name, err)
		}
	}
	if read, ok := mustGet(t, s, 1); !ok || !equalDialogs(read, v2) {
		t.Errorf("after conflicts GetDialog = %+v, %v; want it unchanged: %+v", read, ok, v2)
	}
	if read, ok := mustGet(t, s, 2); ok {
		t.Errorf("a conflicting update created a dialog: %+v", read)
	}
	mustCount(t, s, 1)
}

// testConcurrentPut races writers on the same version, in several rounds so
// that a non-atomic compare-and-set has many chances to let two through.
func testConcurrentPut(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	const writers, rounds = 8, 10
	race := func(chat int64, version int64) (winner string) {
		t.Helper()
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var won []string
		for w := range writers {
			wg.Go(func() {
				step := fmt.Sprintf("writer-%d", w)
				<-start
				got, err := s.PutDialog(t.Context(), chat, state.Dialog{Flow: "race", Step: step, Version: version}, hourTTL)
				switch {
				case err == nil:
					if got.Version != version+1 {
						t.Errorf("winner stored version %d, want %d", got.Version, version+1)
					}
					mu.Lock()
					won = append(won, step)
					mu.Unlock()
				case !errors.Is(err, state.ErrConflict):
					t.Errorf("PutDialog: %v, want nil or ErrConflict", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(won) != 1 {
			t.Fatalf("chat %d, version %d: %d writers won (%v), want exactly 1", chat, version, len(won), won)
		}
		return won[0]
	}
	for chat := range int64(rounds) {
		race(chat, 0)
		winner := race(chat, 1)
		if read, ok := mustGet(t, s, chat); !ok || read.Version != 2 || read.Step != winner {
			t.Fatalf("after the races GetDialog(%d) = %+v, %v; want version 2 by %s", chat, read, ok, winner)
		}
	}
}

func testDialogExpires(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "s"}, shortTTL)
	if _, ok := mustGet(t, s, 1); !ok {
		t.Fatal("dialog missing right after PutDialog")
	}
	advance(s, shortTTL+margin)
	if d, ok := mustGet(t, s, 1); ok {
		t.Fatalf("dialog still there after its TTL: %+v", d)
	}
	mustCount(t, s, 0)
	if _, err := s.PutDialog(t.Context(), 1, state.Dialog{Flow: "f", Step: "late", Version: 1}, hourTTL); !errors.Is(err, state.ErrConflict) {
		t.Fatalf("updating an expired dialog: %v, want ErrConflict", err)
	}
	mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "again"}, hourTTL)
}

func testPutRenewsTTL(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	d := mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "one"}, longTTL)
	advance(s, halfway)
	d.Step = "two"
	mustPut(t, s, 1, d, longTTL)
	advance(s, halfway) // past the first TTL, within the renewed one
	if _, ok := mustGet(t, s, 1); !ok {
		t.Fatal("dialog expired with its first TTL although PutDialog renewed it")
	}
	advance(s, longTTL)
	if _, ok := mustGet(t, s, 1); ok {
		t.Fatal("dialog still there after its renewed TTL")
	}
}

func testDelete(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	ctx := t.Context()
	mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "s"}, hourTTL)
	mustPut(t, s, 2, state.Dialog{Flow: "f", Step: "s"}, hourTTL)
	if err := s.DeleteDialog(ctx, 1); err != nil {
		t.Fatalf("DeleteDialog: %v", err)
	}
	if _, ok := mustGet(t, s, 1); ok {
		t.Fatal("dialog still there after DeleteDialog")
	}
	if _, ok := mustGet(t, s, 2); !ok {
		t.Fatal("DeleteDialog(1) removed the dialog of chat 2")
	}
	if err := s.DeleteDialog(ctx, 1); err != nil {
		t.Fatalf("DeleteDialog twice: %v", err)
	}
	if err := s.DeleteDialog(ctx, 99); err != nil {
		t.Fatalf("DeleteDialog of a chat without a dialog: %v", err)
	}
	mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "fresh"}, hourTTL)
}

func testCount(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "s"}, hourTTL)
	d := mustPut(t, s, 2, state.Dialog{Flow: "f", Step: "s"}, hourTTL)
	mustPut(t, s, 3, state.Dialog{Flow: "f", Step: "s"}, shortTTL)
	mustCount(t, s, 3)
	mustPut(t, s, 2, d, hourTTL) // an update is not a new dialog
	mustCount(t, s, 3)
	if err := s.DeleteDialog(t.Context(), 1); err != nil {
		t.Fatalf("DeleteDialog: %v", err)
	}
	mustCount(t, s, 2)
	advance(s, shortTTL+margin)
	mustCount(t, s, 1)
}

func testFirstSeen(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustSeen(t, s, "update:1", shortTTL, true)
	mustSeen(t, s, "update:1", shortTTL, false)
	mustSeen(t, s, "update:2", shortTTL, true)
	mustSeen(t, s, "update:1", shortTTL, false)
	advance(s, shortTTL+margin)
	mustSeen(t, s, "update:1", shortTTL, true)
	mustSeen(t, s, "update:1", shortTTL, false)
}

// testFirstSeenWindowNotExtended checks that the window starts at the first
// sighting: seeing a key again does not make it live longer.
func testFirstSeenWindowNotExtended(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustSeen(t, s, "k", longTTL, true)
	advance(s, halfway)
	mustSeen(t, s, "k", longTTL, false)
	advance(s, halfway)
	mustSeen(t, s, "k", longTTL, true)
}

func testConcurrentFirstSeen(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	const callers = 16
	var firsts int
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range callers {
		wg.Go(func() {
			<-start
			first, err := s.FirstSeen(t.Context(), "update:7", hourTTL)
			if err != nil {
				t.Errorf("FirstSeen: %v", err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if firsts != 1 {
		t.Fatalf("%d of %d concurrent FirstSeen calls saw the key first, want 1", firsts, callers)
	}
}

func testAllowBurstDenyRefill(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	// Three at once, then one every 200ms.
	r := state.Rate{Per: 600 * time.Millisecond, Burst: 3}
	interval := r.Per / time.Duration(r.Burst)
	for range r.Burst {
		mustAllow(t, s, "user:1", r, true)
	}
	retry := mustAllow(t, s, "user:1", r, false)
	if retry <= 0 || retry > interval {
		t.Fatalf("retry after %v, want within (0, %v]", retry, interval)
	}
	// A denied event takes no token, so asking again does not push the
	// next token further away.
	again := mustAllow(t, s, "user:1", r, false)
	if again <= 0 || again > retry {
		t.Fatalf("second denial: retry after %v, want within (0, %v]", again, retry)
	}
	mustAllow(t, s, "user:2", r, true) // buckets are per key

	advance(s, again+margin)
	mustAllow(t, s, "user:1", r, true)
	retry = mustAllow(t, s, "user:1", r, false)
	if retry <= 0 || retry > interval {
		t.Fatalf("after refill: retry after %v, want within (0, %v]", retry, interval)
	}
}

func testAllowFullRefill(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	r := state.Rate{Per: shortTTL, Burst: 4}
	for range r.Burst {
		mustAllow(t, s, "k", r, true)
	}
	mustAllow(t, s, "k", r, false)
	// An idle bucket refills to Burst, and no further.
	advance(s, r.Per+margin)
	for range r.Burst {
		mustAllow(t, s, "k", r, true)
	}
	mustAllow(t, s, "k", r, false)
}

func testConcurrentAllow(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	// A token every 2s: none refills while the callers run.
	r := state.Rate{Per: 10 * time.Second, Burst: 5}
	const callers = 20
	var allowed int
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range callers {
		wg.Go(func() {
			<-start
			ok, _, err := s.Allow(t.Context(), "broadcast", r)
			if err != nil {
				t.Errorf("Allow: %v", err)
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if allowed != r.Burst {
		t.Fatalf("%d of %d concurrent Allow calls allowed, want the burst of %d", allowed, callers, r.Burst)
	}
}

func testLockExclusive(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustLock(t, s, "job:1", "alice", hourTTL, true)
	mustLock(t, s, "job:1", "bob", hourTTL, false)
	mustLock(t, s, "job:2", "bob", hourTTL, true)
	mustLock(t, s, "job:2", "alice", hourTTL, false)
}

func testLockReentrant(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustLock(t, s, "k", "alice", longTTL, true)
	advance(s, halfway)
	mustLock(t, s, "k", "alice", longTTL, true) // extends the lease
	advance(s, halfway)                         // past the first lease
	mustLock(t, s, "k", "bob", longTTL, false)
	advance(s, longTTL)
	mustLock(t, s, "k", "bob", longTTL, true)
}

func testUnlock(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustLock(t, s, "k", "alice", hourTTL, true)
	mustUnlock(t, s, "k", "bob", state.ErrNotHeld)
	mustLock(t, s, "k", "bob", hourTTL, false) // bob's Unlock changed nothing
	mustUnlock(t, s, "k", "alice", nil)
	mustUnlock(t, s, "k", "alice", state.ErrNotHeld)
	mustLock(t, s, "k", "bob", hourTTL, true)
	mustUnlock(t, s, "never-locked", "alice", state.ErrNotHeld)
}

func testLockExpires(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	mustLock(t, s, "k", "alice", shortTTL, true)
	advance(s, shortTTL+margin)
	mustLock(t, s, "k", "bob", hourTTL, true)
	// alice's lease is over: she can neither release bob's lock nor retake it.
	mustUnlock(t, s, "k", "alice", state.ErrNotHeld)
	mustLock(t, s, "k", "alice", hourTTL, false)
}

func testConcurrentTryLock(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	const owners = 16
	var holders []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range owners {
		wg.Go(func() {
			owner := fmt.Sprintf("instance-%d", i)
			<-start
			ok, err := s.TryLock(t.Context(), "migration", owner, hourTTL)
			if err != nil {
				t.Errorf("TryLock: %v", err)
			}
			if ok {
				mu.Lock()
				holders = append(holders, owner)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if len(holders) != 1 {
		t.Fatalf("%d owners took the lock (%v), want 1", len(holders), holders)
	}
}

// testNamespaces checks that the same key names a different thing to each
// kind of operation.
func testNamespaces(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	r := state.Rate{Per: time.Hour, Burst: 1}
	mustSeen(t, s, "1", hourTTL, true)
	mustLock(t, s, "1", "alice", hourTTL, true)
	mustAllow(t, s, "1", r, true)
	mustSeen(t, s, "1", hourTTL, false)
	mustLock(t, s, "1", "bob", hourTTL, false)
	mustAllow(t, s, "1", r, false)
	if _, ok := mustGet(t, s, 1); ok {
		t.Fatal("a dialog appeared for a key used by other operations")
	}
	mustPut(t, s, 1, state.Dialog{Flow: "f", Step: "s"}, hourTTL)
}

// testIsolation checks that two stores made by newStore share nothing, as
// two deployments (or tests) sharing one Redis must not.
func testIsolation(t *testing.T, newStore func(t *testing.T) Store) {
	a, b := newStore(t), newStore(t)
	r := state.Rate{Per: time.Hour, Burst: 1}
	mustPut(t, a, 1, state.Dialog{Flow: "f", Step: "s"}, hourTTL)
	mustSeen(t, a, "update:1", hourTTL, true)
	mustAllow(t, a, "user:1", r, true)
	mustLock(t, a, "job", "alice", hourTTL, true)

	if d, ok := mustGet(t, b, 1); ok {
		t.Fatalf("store b sees store a's dialog: %+v", d)
	}
	mustCount(t, b, 0)
	mustSeen(t, b, "update:1", hourTTL, true)
	mustAllow(t, b, "user:1", r, true)
	mustLock(t, b, "job", "bob", hourTTL, true)
	mustUnlock(t, b, "job", "alice", state.ErrNotHeld)
	mustPut(t, b, 1, state.Dialog{Flow: "f", Step: "s"}, hourTTL)

	// And the other way round: a still has exactly its own.
	mustCount(t, a, 1)
	mustLock(t, a, "job", "bob", hourTTL, false)
}

func testInvalidArguments(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	ctx := t.Context()
	d := state.Dialog{Flow: "f", Step: "s"}
	checks := []struct {
		name string
		call func() error
	}{
		{"PutDialog with zero ttl", func() error { _, err := s.PutDialog(ctx, 1, d, 0); return err }},
		{"PutDialog with negative ttl", func() error { _, err := s.PutDialog(ctx, 1, d, -time.Second); return err }},
		{"PutDialog with negative version", func() error {
			_, err := s.PutDialog(ctx, 1, state.Dialog{Flow: "f", Version: -1}, hourTTL)
			return err
		}},
		{"FirstSeen with zero ttl", func() error { _, err := s.FirstSeen(ctx, "k", 0); return err }},
		{"Allow with zero burst", func() error { _, _, err := s.Allow(ctx, "k", state.Rate{Per: time.Second}); return err }},
		{"Allow with zero period", func() error { _, _, err := s.Allow(ctx, "k", state.Rate{Burst: 1}); return err }},
		{"TryLock with empty owner", func() error { _, err := s.TryLock(ctx, "k", "", hourTTL); return err }},
		{"TryLock with zero ttl", func() error { _, err := s.TryLock(ctx, "k", "alice", 0); return err }},
	}
	for _, c := range checks {
		err := c.call()
		if err == nil || errors.Is(err, state.ErrConflict) || errors.Is(err, state.ErrUnavailable) {
			t.Errorf("%s: %v, want an argument error", c.name, err)
		}
	}
	// Nothing was stored by the refused calls.
	if _, ok := mustGet(t, s, 1); ok {
		t.Error("a refused PutDialog stored a dialog")
	}
	mustSeen(t, s, "k", hourTTL, true)
	mustLock(t, s, "k", "alice", hourTTL, true)
}

func testContext(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := s.GetDialog(canceled, 1); !errors.Is(err, context.Canceled) || errors.Is(err, state.ErrUnavailable) {
		t.Errorf("GetDialog with a canceled context: %v, want context.Canceled and not ErrUnavailable", err)
	}
	expired, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := s.FirstSeen(expired, "k", hourTTL); !errors.Is(err, state.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FirstSeen past the deadline: %v, want ErrUnavailable and context.DeadlineExceeded", err)
	}
	// Neither call did anything.
	mustSeen(t, s, "k", hourTTL, true)
}

func testClose(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	ctx := t.Context()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, state.ErrUnavailable) {
		t.Errorf("Ping after Close: %v, want ErrUnavailable", err)
	}
	if _, _, err := s.GetDialog(ctx, 1); !errors.Is(err, state.ErrUnavailable) {
		t.Errorf("GetDialog after Close: %v, want ErrUnavailable", err)
	}
	if _, err := s.FirstSeen(ctx, "k", hourTTL); !errors.Is(err, state.ErrUnavailable) {
		t.Errorf("FirstSeen after Close: %v, want ErrUnavailable", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close twice: %v", err)
	}
}
