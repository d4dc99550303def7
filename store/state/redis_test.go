package state_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pobratim/pobratim/store/state"
	"github.com/pobratim/pobratim/store/state/statetest"
)

// redisURL is the server the tests use: REDIS_URL, or a local default.
func redisURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// adminClient returns a client for the test server that the test itself
// uses to inspect and clean up keys, or fails the test if the server does
// not answer: these tests need a real Redis and must not pass without one.
func adminClient(tb testing.TB) *redis.Client {
	tb.Helper()
	opt, err := redis.ParseURL(redisURL())
	if err != nil {
		tb.Fatalf("REDIS_URL %q: %v", redisURL(), err)
	}
	opt.DialTimeout = 2 * time.Second
	c := redis.NewClient(opt)
	tb.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		tb.Fatalf("Redis at %s does not answer: %v\n"+
			"The state tests run against a real Redis: start redis-server on 127.0.0.1:6379 or set REDIS_URL.", opt.Addr, err)
	}
	return c
}

var unsafeInPrefix = regexp.MustCompile(`[^A-Za-z0-9]+`)

// testPrefix returns a key prefix no other test (or run) shares.
func testPrefix(tb testing.TB) string {
	var b [6]byte
	rand.Read(b[:])
	name := unsafeInPrefix.ReplaceAllString(tb.Name(), "_")
	return "pobratim:test:" + name + ":" + hex.EncodeToString(b[:]) + ":"
}

// scanKeys returns the keys under prefix, which must hold no glob
// characters (testPrefix's do not).
func scanKeys(tb testing.TB, admin *redis.Client, prefix string) []string {
	tb.Helper()
	var keys []string
	iter := admin.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
	for iter.Next(context.Background()) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Fatalf("SCAN %s*: %v", prefix, err)
	}
	return keys
}

// cleanUp deletes the keys under prefix and checks that none are left.
func cleanUp(tb testing.TB, admin *redis.Client, prefix string) {
	tb.Helper()
	if keys := scanKeys(tb, admin, prefix); len(keys) > 0 {
		if err := admin.Del(context.Background(), keys...).Err(); err != nil {
			tb.Errorf("deleting the test's keys: %v", err)
		}
	}
	if left := scanKeys(tb, admin, prefix); len(left) > 0 {
		tb.Errorf("keys left under %s after clean-up: %v", prefix, left)
	}
}

// newRedis returns a store under a fresh prefix, opened the way the bot
// opens it, and removes its keys when the test ends.
func newRedis(tb testing.TB) (*state.Redis, string) {
	tb.Helper()
	admin := adminClient(tb)
	prefix := testPrefix(tb)
	s, err := state.OpenRedis(redisURL(), prefix)
	if err != nil {
		tb.Fatalf("OpenRedis: %v", err)
	}
	tb.Cleanup(func() {
		s.Close()
		cleanUp(tb, admin, prefix)
	})
	return s, prefix
}

func TestRedis(t *testing.T) {
	statetest.Run(t, func(t *testing.T) statetest.Store {
		s, _ := newRedis(t)
		return s
	})
}

// keyRecorder is a client hook that records the keys every command names.
type keyRecorder struct {
	mu       sync.Mutex
	keys     []string
	commands []string
	unknown  []string
}

func (k *keyRecorder) DialHook(next redis.DialHook) redis.DialHook { return next }

func (k *keyRecorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, cmd := range cmds {
			k.record(cmd)
		}
		return next(ctx, cmds)
	}
}

func (k *keyRecorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		k.record(cmd)
		return next(ctx, cmd)
	}
}

func (k *keyRecorder) record(cmd redis.Cmder) {
	k.mu.Lock()
	defer k.mu.Unlock()
	args := cmd.Args()
	name := strings.ToLower(cmd.Name())
	k.commands = append(k.commands, name)
	switch name {
	case "ping", "hello", "client":
	case "get", "set", "del", "hgetall", "zcard", "pttl":
		k.keys = append(k.keys, fmt.Sprint(args[1]))
	case "eval", "evalsha":
		n, _ := strconv.Atoi(fmt.Sprint(args[2]))
		for _, key := range args[3 : 3+n] {
			k.keys = append(k.keys, fmt.Sprint(key))
		}
	default:
		k.unknown = append(k.unknown, name)
	}
}

// TestRedisKeys checks that the store names no key outside its prefix and
// leaves no key without an expiry.
func TestRedisKeys(t *testing.T) {
	admin := adminClient(t)
	prefix := testPrefix(t)
	opt, err := redis.ParseURL(redisURL())
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opt)
	rec := &keyRecorder{}
	client.AddHook(rec)
	s := state.NewRedis(client, prefix)
	t.Cleanup(func() {
		s.Close()
		cleanUp(t, admin, prefix)
	})

	ctx := t.Context()
	d, err := s.PutDialog(ctx, 1, state.Dialog{Flow: "f", Step: "s", Data: map[string]string{"a": "b"}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDialog(ctx, 1, d, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDialog(ctx, 2, state.Dialog{Flow: "f"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.GetDialog(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CountDialogs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FirstSeen(ctx, "update:1", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Allow(ctx, "user:1", state.Rate{Per: time.Hour, Burst: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TryLock(ctx, "job", "alice", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TryLock(ctx, "job2", "alice", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(ctx, "job2", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDialog(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.unknown) > 0 {
		t.Errorf("commands this test cannot check the keys of: %v", rec.unknown)
	}
	if len(rec.keys) < 12 {
		t.Errorf("recorded only %d keys from commands %v", len(rec.keys), rec.commands)
	}
	for _, key := range rec.keys {
		if !strings.HasPrefix(key, prefix) {
			t.Errorf("key %q is outside the prefix %q", key, prefix)
		}
	}

	stored := scanKeys(t, admin, prefix)
	slices.Sort(stored)
	want := []string{prefix + "dialog:1", prefix + "dialogs", prefix + "lock:job", prefix + "rate:user:1", prefix + "seen:update:1"}
	if !slices.Equal(stored, want) {
		t.Errorf("keys stored = %v, want %v", stored, want)
	}
	for _, key := range stored {
		ttl, err := admin.PTTL(ctx, key).Result()
		if err != nil || ttl <= 0 {
			t.Errorf("PTTL %s = %v, %v; want an expiry", key, ttl, err)
		}
	}
}

// TestRedisCorruptRecord checks that a dialog key holding something else is
// reported as an ordinary error: neither "not found" nor "unavailable".
func TestRedisCorruptRecord(t *testing.T) {
	s, prefix := newRedis(t)
	admin := adminClient(t)
	ctx := t.Context()
	if err := admin.Set(ctx, prefix+"dialog:1", "not a hash", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.HSet(ctx, prefix+"dialog:2", "flow", "f", "version", "x").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.HSet(ctx, prefix+"dialog:3", "flow", "f", "version", "1", "data", "{").Err(); err != nil {
		t.Fatal(err)
	}
	for chat := range int64(3) {
		_, _, err := s.GetDialog(ctx, chat+1)
		if err == nil || errors.Is(err, state.ErrUnavailable) || errors.Is(err, state.ErrConflict) {
			t.Errorf("GetDialog of corrupt chat %d: %v, want a plain error", chat+1, err)
		}
	}
	if _, err := s.PutDialog(ctx, 1, state.Dialog{Flow: "f", Version: 1}, time.Minute); err == nil || errors.Is(err, state.ErrUnavailable) {
		t.Errorf("PutDialog over a string key: %v, want a plain error", err)
	}
}

// TestOpenRedisClosedPort checks that with nothing listening every call
// fails fast with ErrUnavailable, and that opening does not fail.
func TestOpenRedisClosedPort(t *testing.T) {
	start := time.Now()
	s, err := state.OpenRedis("redis://127.0.0.1:1/0", "pobratim:test:")
	if err != nil {
		t.Fatalf("OpenRedis with Redis down: %v, want a store", err)
	}
	defer s.Close()
	ctx := t.Context()
	calls := map[string]func() error{
		"Ping":         func() error { return s.Ping(ctx) },
		"GetDialog":    func() error { _, _, err := s.GetDialog(ctx, 1); return err },
		"PutDialog":    func() error { _, err := s.PutDialog(ctx, 1, state.Dialog{Flow: "f"}, time.Minute); return err },
		"DeleteDialog": func() error { return s.DeleteDialog(ctx, 1) },
		"CountDialogs": func() error { _, err := s.CountDialogs(ctx); return err },
		"FirstSeen":    func() error { _, err := s.FirstSeen(ctx, "k", time.Minute); return err },
		"Allow":        func() error { _, _, err := s.Allow(ctx, "k", state.Rate{Per: time.Second, Burst: 1}); return err },
		"TryLock":      func() error { _, err := s.TryLock(ctx, "k", "alice", time.Minute); return err },
		"Unlock":       func() error { return s.Unlock(ctx, "k", "alice") },
	}
	// Enough rounds to go past the pool's dial-failure threshold, after
	// which the client stops dialling and fails at once.
	for round := range 3 {
		for name, call := range calls {
			err := call()
			if !errors.Is(err, state.ErrUnavailable) {
				t.Fatalf("round %d: %s with Redis down: %v, want ErrUnavailable", round, name, err)
			}
			var opErr *net.OpError
			if !errors.As(err, &opErr) {
				t.Errorf("%s: %v does not keep the network error as its cause", name, err)
			}
		}
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Fatalf("%d calls with Redis down took %v, want under 3s", 3*len(calls), elapsed)
	}
}

// TestOpenRedisSilentServer checks that a server that accepts connections but
// never answers makes calls fail with ErrUnavailable after the read timeout,
// not hang.
func TestOpenRedisSilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				io.Copy(io.Discard, conn) // read everything, answer nothing
			}()
		}
	}()
	s, err := state.OpenRedis("redis://"+ln.Addr().String()+"/0", "pobratim:test:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = s.FirstSeen(t.Context(), "k", time.Minute)
	elapsed := time.Since(start)
	if !errors.Is(err, state.ErrUnavailable) {
		t.Fatalf("FirstSeen against a silent server: %v, want ErrUnavailable", err)
	}
	if elapsed > 3*time.Second {
		t.Fatalf("FirstSeen against a silent server took %v, want under 3s", elapsed)
	}
}

// proxy forwards TCP connections to the test Redis, and can be cut off and
// restored to play a Redis that goes away and comes back.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, addr, target string) *proxy {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port was just released; the kernel may hold it briefly
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("proxy on %s: %v", addr, err)
	}
	p := &proxy{ln: ln, target: target}
	p.wg.Go(func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			p.wg.Go(func() { io.Copy(out, in); out.Close() })
			p.wg.Go(func() { io.Copy(in, out); in.Close() })
		}
	})
	return p
}

// stop closes the listener and every connection, as a dying server would.
func (p *proxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// waitPing pings until the store answers as want says, or fails the test
// after limit.
func waitPing(t *testing.T, s *state.Redis, up bool, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		err := s.Ping(t.Context())
		if up && err == nil || !up && errors.Is(err, state.ErrUnavailable) {
			return time.Since(start)
		}
		if !up && err != nil {
			t.Fatalf("Ping with Redis gone: %v, want ErrUnavailable", err)
		}
		if time.Since(start) > limit {
			t.Fatalf("store still answers %v after %v, want up=%v", err, limit, up)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOpenRedisRecovers checks that a store opened while Redis is down, and
// one whose Redis goes away, both work again once Redis is back, by
// themselves.
func TestOpenRedisRecovers(t *testing.T) {
	admin := adminClient(t)
	target := admin.Options().Addr
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	prefix := testPrefix(t)
	db := strconv.Itoa(admin.Options().DB)
	s, err := state.OpenRedis("redis://"+addr+"/"+db, prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		cleanUp(t, admin, prefix)
	})

	// Down from the start: fail at once, many times over.
	for range 30 {
		if _, err := s.FirstSeen(t.Context(), "k", time.Minute); !errors.Is(err, state.ErrUnavailable) {
			t.Fatalf("FirstSeen with Redis down: %v, want ErrUnavailable", err)
		}
	}
	p := startProxy(t, addr, target)
	t.Logf("came up after %v", waitPing(t, s, true, 5*time.Second))
	if first, err := s.FirstSeen(t.Context(), "k", time.Minute); err != nil || !first {
		t.Fatalf("FirstSeen after Redis came up = %v, %v; want true, nil", first, err)
	}

	// Goes away with connections open, then comes back.
	p.stop()
	t.Logf("noticed the outage after %v", waitPing(t, s, false, 3*time.Second))
	p = startProxy(t, addr, target)
	defer p.stop()
	t.Logf("came back after %v", waitPing(t, s, true, 5*time.Second))
	if first, err := s.FirstSeen(t.Context(), "k", time.Minute); err != nil || first {
		t.Fatalf("FirstSeen after Redis came back = %v, %v; want false (remembered), nil", first, err)
	}
}

func TestOpenRedisInvalidURL(t *testing.T) {
	for _, raw := range []string{
		"http://127.0.0.1:6379/0",
		"redis://user:s3cret@[::1/0",
		"redis://127.0.0.1:6379/notadb",
	} {
		s, err := state.OpenRedis(raw, "p:")
		if err == nil {
			s.Close()
			t.Errorf("OpenRedis(%q) accepted", raw)
			continue
		}
		if errors.Is(err, state.ErrUnavailable) {
			t.Errorf("OpenRedis(%q) = %v, want a configuration error, not ErrUnavailable", raw, err)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("OpenRedis error reveals the password: %v", err)
		}
	}
}
