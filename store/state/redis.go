package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the production store: a Redis server shared by every bot
// instance. All its keys start with a prefix, so that several deployments (or
// tests) can share one database:
//
//	<prefix>dialog:<chat id>   hash: flow, step, data (JSON), version
//	<prefix>dialogs            sorted set: chat id by expiry in ms, for CountDialogs
//	<prefix>seen:<key>         string, for FirstSeen
//	<prefix>rate:<key>         string: the bucket's theoretical arrival time in µs
//	<prefix>lock:<key>         string: the owner
//
// Every operation that reads and then writes runs as one Lua script, so it is
// atomic, and every time it needs comes from the Redis server's clock (TIME),
// so that bot instances with skewed clocks agree. Every key expires;
// lifetimes are rounded up to whole milliseconds. A Redis is safe for
// concurrent use.
type Redis struct {
	c      *redis.Client
	prefix string

	closeOnce sync.Once
	closeErr  error
}

// NewRedis returns a store that keeps its keys under prefix (such as
// "pobratim:") in the database client talks to. The store takes ownership of
// client: Close closes it. Configure the client's timeouts as OpenRedis does,
// or a call to an unreachable server may block for a long time.
func NewRedis(client *redis.Client, prefix string) *Redis {
	return &Redis{c: client, prefix: prefix}
}

// OpenRedis returns a store for the Redis server at rawURL, in the form
// redis://[user:password@]host:port/db (see redis.ParseURL for the query
// options it accepts). It does not connect: the bot must start, and answer
// what it can, while Redis is down.
//
// Unless the URL says otherwise, a new connection must be made within 2
// seconds and a command answered within 1, so that calls fail fast with
// ErrUnavailable while Redis is down or stuck; once the server is back, the
// client reconnects by itself within about a second. Failed commands are not
// retried: most operations here are not idempotent (a FirstSeen retried after
// a lost reply would call a new update a duplicate), and the callers all have
// a way to carry on without state.
func OpenRedis(rawURL, prefix string) (*Redis, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		// A url.Error quotes the URL, password and all; keep it out of logs.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("state: open redis: invalid URL: %w", err)
	}
	if opt.DialTimeout == 0 {
		opt.DialTimeout = 2 * time.Second
	}
	if opt.ReadTimeout == 0 {
		opt.ReadTimeout = time.Second
	}
	if opt.WriteTimeout == 0 {
		opt.WriteTimeout = time.Second
	}
	if opt.PoolSize == 0 {
		// The bot holds a connection only for one short command at a time.
		opt.PoolSize = 16
	}
	if opt.PoolTimeout == 0 {
		opt.PoolTimeout = time.Second
	}
	if opt.MaxRetries == 0 {
		opt.MaxRetries = -1 // none; see above
	}
	// One dial attempt per command; after PoolSize failed dials the client
	// stops dialling and probes the server once a second in the background,
	// failing commands at once meanwhile.
	opt.DialerRetries = 1
	// A caller's deadline shorter than the timeouts above wins.
	opt.ContextTimeoutEnabled = true
	return NewRedis(redis.NewClient(opt), prefix), nil
}

func (r *Redis) dialogKey(chatID int64) string {
	return r.prefix + "dialog:" + strconv.FormatInt(chatID, 10)
}

func (r *Redis) dialogIndexKey() string    { return r.prefix + "dialogs" }
func (r *Redis) seenKey(key string) string { return r.prefix + "seen:" + key }
func (r *Redis) rateKey(key string) string { return r.prefix + "rate:" + key }
func (r *Redis) lockKey(key string) string { return r.prefix + "lock:" + key }

// GetDialog returns the dialog of chatID, or false if there is none (never
// started, deleted or expired).
func (r *Redis) GetDialog(ctx context.Context, chatID int64) (Dialog, bool, error) {
	const op = "get dialog"
	h, err := r.c.HGetAll(ctx, r.dialogKey(chatID)).Result()
	if err != nil {
		return Dialog{}, false, r.fail(op, err)
	}
	if len(h) == 0 {
		return Dialog{}, false, nil
	}
	d := Dialog{Flow: h["flow"], Step: h["step"]}
	if d.Version, err = strconv.ParseInt(h["version"], 10, 64); err != nil || d.Version < 1 {
		return Dialog{}, false, fmt.Errorf("state: %s: chat %d: bad version %q", op, chatID, h["version"])
	}
	if raw := h["data"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &d.Data); err != nil {
			return Dialog{}, false, fmt.Errorf("state: %s: chat %d: %w", op, chatID, err)
		}
		d = cloneDialog(d) // an empty object becomes nil, as in Memory
	}
	return d, true, nil
}

// putDialogScript stores a dialog if its version is the expected one, and
// records its expiry in the index. It also drops the index entries of expired
// dialogs and keeps the index alive as long as its longest-lived dialog, so
// the index stays small even if nobody counts. KEYS: dialog, index. ARGV:
// expected version, flow, step, data, ttl in ms, chat id. It returns the new
// version, or -1 if the expected one is stale.
var putDialogScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'version')
if ARGV[1] == '0' then
  if cur then return -1 end
elseif cur ~= ARGV[1] then
  return -1
end
redis.call('HSET', KEYS[1], 'flow', ARGV[2], 'step', ARGV[3], 'data', ARGV[4])
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
local ttl = tonumber(ARGV[5])
redis.call('PEXPIRE', KEYS[1], ttl)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%.0f', now))
redis.call('ZADD', KEYS[2], string.format('%.0f', now + ttl), ARGV[6])
if redis.call('PTTL', KEYS[2]) < ttl then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return v
`)

// PutDialog stores d as the dialog of chatID if the stored version still
// equals d.Version (zero: no dialog may be stored), and returns ErrConflict
// otherwise. The stored dialog gets Version d.Version+1, lives for ttl from
// now, and is returned. A negative version or a ttl that is not positive is
// refused.
func (r *Redis) PutDialog(ctx context.Context, chatID int64, d Dialog, ttl time.Duration) (Dialog, error) {
	const op = "put dialog"
	if err := checkPut(d, ttl); err != nil {
		return Dialog{}, fmt.Errorf("state: %s: %w", op, err)
	}
	d = cloneDialog(d)
	var data []byte
	if d.Data != nil {
		var err error
		if data, err = json.Marshal(d.Data); err != nil {
			return Dialog{}, fmt.Errorf("state: %s: %w", op, err)
		}
	}
	keys := []string{r.dialogKey(chatID), r.dialogIndexKey()}
	v, err := putDialogScript.Run(ctx, r.c, keys, d.Version, d.Flow, d.Step, data, millis(ttl), chatID).Int64()
	if err != nil {
		return Dialog{}, r.fail(op, err)
	}
	if v < 0 {
		return Dialog{}, fmt.Errorf("state: %s: %w", op, ErrConflict)
	}
	d.Version = v
	return d, nil
}

// deleteDialogScript removes a dialog and its index entry.
// KEYS: dialog, index. ARGV: chat id.
var deleteDialogScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
`)

// DeleteDialog ends the dialog of chatID, if any.
func (r *Redis) DeleteDialog(ctx context.Context, chatID int64) error {
	keys := []string{r.dialogKey(chatID), r.dialogIndexKey()}
	if err := deleteDialogScript.Run(ctx, r.c, keys, chatID).Err(); err != nil {
		return r.fail("delete dialog", err)
	}
	return nil
}

// countDialogsScript drops the index entries of expired dialogs and counts
// the rest. KEYS: index. A dialog key is alive up to and including its
// expiry millisecond, hence the exclusive bound.
var countDialogsScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', now))
return redis.call('ZCARD', KEYS[1])
`)

// CountDialogs returns the number of live dialogs. It reads an index, not the
// keyspace, so it is cheap enough for every metrics scrape.
func (r *Redis) CountDialogs(ctx context.Context) (int, error) {
	n, err := countDialogsScript.Run(ctx, r.c, []string{r.dialogIndexKey()}).Int()
	if err != nil {
		return 0, r.fail("count dialogs", err)
	}
	return n, nil
}

// FirstSeen reports whether key is new: it returns true and remembers key for
// ttl, or false if key was already seen within its ttl. Seeing a key again
// does not extend its ttl. The ttl must be positive.
func (r *Redis) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	const op = "first seen"
	if err := checkTTL(ttl); err != nil {
		return false, fmt.Errorf("state: %s: %w", op, err)
	}
	fresh, err := r.c.SetNX(ctx, r.seenKey(key), 1, time.Duration(millis(ttl))*time.Millisecond).Result()
	if err != nil {
		return false, r.fail(op, err)
	}
	return fresh, nil
}

// allowScript is the generic cell rate algorithm, the token bucket kept as
// one number: the theoretical arrival time (TAT), the moment the bucket would
// be full again. KEYS: bucket. ARGV: interval per token in µs, burst. It
// returns {1, 0} if allowed, or {0, µs until the next token}.
var allowScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nexttat = tat + interval
local allowAt = nexttat - interval * burst
if allowAt > now then
  return {0, allowAt - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', nexttat), 'PX', math.ceil((nexttat - now) / 1000))
return {1, 0}
`)

// Allow takes a token from the bucket named key, which refills at the given
// rate. It returns true if the event may happen now; otherwise false and the
// time until the next token. A denied event takes nothing. Per and Burst must
// be positive.
func (r *Redis) Allow(ctx context.Context, key string, rate Rate) (bool, time.Duration, error) {
	const op = "allow"
	iv, err := rate.interval()
	if err != nil {
		return false, 0, fmt.Errorf("state: %s: %w", op, err)
	}
	res, err := allowScript.Run(ctx, r.c, []string{r.rateKey(key)}, iv.Microseconds(), rate.Burst).Int64Slice()
	if err != nil {
		return false, 0, r.fail(op, err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("state: %s: unexpected reply %v", op, res)
	}
	return res[0] == 1, time.Duration(res[1]) * time.Microsecond, nil
}

// tryLockScript takes or extends a lease. KEYS: lock. ARGV: owner, ttl in ms.
var tryLockScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// TryLock takes the lock named key for owner for ttl, and reports whether it
// did. If owner already holds the lock, its lease is reset to ttl from now.
// The owner must not be empty and the ttl must be positive.
func (r *Redis) TryLock(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	const op = "try lock"
	if err := checkOwner(owner); err != nil {
		return false, fmt.Errorf("state: %s: %w", op, err)
	}
	if err := checkTTL(ttl); err != nil {
		return false, fmt.Errorf("state: %s: %w", op, err)
	}
	n, err := tryLockScript.Run(ctx, r.c, []string{r.lockKey(key)}, owner, millis(ttl)).Int()
	if err != nil {
		return false, r.fail(op, err)
	}
	return n == 1, nil
}

// unlockScript deletes a lock only if it still belongs to the owner.
// KEYS: lock. ARGV: owner.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`)

// Unlock releases the lock named key if owner holds it, and returns
// ErrNotHeld otherwise.
func (r *Redis) Unlock(ctx context.Context, key, owner string) error {
	const op = "unlock"
	n, err := unlockScript.Run(ctx, r.c, []string{r.lockKey(key)}, owner).Int()
	if err != nil {
		return r.fail(op, err)
	}
	if n != 1 {
		return fmt.Errorf("state: %s: %w", op, ErrNotHeld)
	}
	return nil
}

// Ping checks that the Redis server answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.c.Ping(ctx).Err(); err != nil {
		return r.fail("ping", err)
	}
	return nil
}

// Close closes the client and its connections. Later calls fail with
// ErrUnavailable. Closing twice is harmless.
func (r *Redis) Close() error {
	r.closeOnce.Do(func() {
		if err := r.c.Close(); err != nil {
			r.closeErr = fmt.Errorf("state: close: %w", err)
		}
	})
	return r.closeErr
}

// fail wraps an error from the client, marking the ones that mean the server
// cannot be used right now as ErrUnavailable.
func (r *Redis) fail(op string, err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return contextError(op, err)
	case isUnavailable(err):
		return unavailable(op, err)
	}
	return fmt.Errorf("state: %s: %w", op, err)
}

// isUnavailable reports whether err means that the server cannot be reached,
// did not answer in time, or cannot serve commands for now.
func isUnavailable(err error) bool {
	for _, target := range []error{
		redis.ErrClosed, redis.ErrPoolTimeout, redis.ErrPoolExhausted,
		io.EOF, io.ErrUnexpectedEOF,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	// Dial failures, DNS failures and timeouts are all net.Errors.
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	return redis.IsLoadingError(err) || redis.IsMasterDownError(err) ||
		redis.IsClusterDownError(err) || redis.IsTryAgainError(err) ||
		redis.IsReadOnlyError(err) || redis.IsMaxClientsError(err) ||
		redis.IsOOMError(err)
}

// millis returns ttl in whole milliseconds, rounded up, as Redis expiries
// take them: a positive ttl never becomes 0, which Redis would refuse.
func millis(ttl time.Duration) int64 {
	return int64((ttl + time.Millisecond - 1) / time.Millisecond)
}
