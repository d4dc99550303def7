package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestIsUnavailable checks which failures count as "Redis cannot be used
// now". The server errors come from a real Redis, so that the test follows
// the client's own parsing of them.
func TestIsUnavailable(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := t.Context()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer: %v; the state tests need a real Redis (set REDIS_URL)", opt.Addr, err)
	}
	serverError := func(msg string) error {
		err := c.Eval(ctx, "return redis.error_reply(ARGV[1])", nil, msg).Err()
		if err == nil {
			t.Fatalf("error_reply(%q) returned no error", msg)
		}
		return err
	}

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, true},
		{"dns", &net.DNSError{Err: "no such host", Name: "redis", IsNotFound: true}, true},
		{"eof", io.EOF, true},
		{"wrapped eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"pool timeout", redis.ErrPoolTimeout, true},
		{"pool exhausted", redis.ErrPoolExhausted, true},
		{"closed", redis.ErrClosed, true},
		{"loading", serverError("LOADING Redis is loading the dataset in memory"), true},
		{"masterdown", serverError("MASTERDOWN Link with MASTER is down"), true},
		{"readonly", serverError("READONLY You can't write against a read only replica."), true},
		{"oom", serverError("OOM command not allowed when used memory > 'maxmemory'."), true},
		{"max clients", serverError("ERR max number of clients reached"), true},
		{"wrong type", serverError("WRONGTYPE Operation against a key holding the wrong kind of value"), false},
		{"plain server error", serverError("ERR something else"), false},
		{"nil reply", redis.Nil, false},
		{"other", errors.New("boom"), false},
	} {
		if got := isUnavailable(tc.err); got != tc.want {
			t.Errorf("%s: isUnavailable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}

	r := NewRedis(c, "p:")
	for _, tc := range []struct {
		err             error
		unavailable, is error
	}{
		{context.Canceled, nil, context.Canceled},
		{fmt.Errorf("dial: %w", context.Canceled), nil, context.Canceled},
		{context.DeadlineExceeded, ErrUnavailable, context.DeadlineExceeded},
		{io.EOF, ErrUnavailable, io.EOF},
	} {
		err := r.fail("op", tc.err)
		if errors.Is(err, ErrUnavailable) != (tc.unavailable != nil) || !errors.Is(err, tc.is) {
			t.Errorf("fail(%v) = %v; want ErrUnavailable: %v, and %v", tc.err, err, tc.unavailable != nil, tc.is)
		}
	}
}
