package main

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a redis-server the harness owns, on a free port of
// 127.0.0.1, so that it can stop it and start it again.
type redisServer struct {
	bin  string
	dir  string
	port int
	proc *process
}

// startRedis starts redis-server with its files in dir.
func startRedis(ctx context.Context, dir string) (*redisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis: %w (install redis-server, or run with -redis none)", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	r := &redisServer{bin: bin, dir: dir, port: port}
	return r, r.start(ctx)
}

// URL is the server's address for REDIS_URL.
func (r *redisServer) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

// start runs the server (again) on its port and waits until it answers.
// A dump left by stop is loaded, as after a maintenance restart.
func (r *redisServer) start(ctx context.Context) error {
	args := []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--dir", r.dir,
		"--save", "", "--appendonly", "no", "--dbfilename", "dump.rdb"}
	p, err := start("redis-server", r.bin, args, nil, filepath.Join(r.dir, "redis.log"))
	if err != nil {
		return err
	}
	r.proc = p
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := r.ping(ctx); err == nil {
			return nil
		} else if time.Now().After(deadline) || !p.alive() {
			p.kill()
			return fmt.Errorf("redis: not answering on port %d: %w", r.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *redisServer) client() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port),
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second, MaxRetries: -1})
}

func (r *redisServer) ping(ctx context.Context) error {
	c := r.client()
	defer c.Close()
	return c.Ping(ctx).Err()
}

// stop shuts the server down, saving its data first so that start brings
// the dialogs back, like a planned restart of the Redis host.
func (r *redisServer) stop(ctx context.Context) error {
	if r.proc == nil || !r.proc.alive() {
		return nil
	}
	c := r.client()
	// The server closes the connection as it exits: the "error" is the
	// expected outcome.
	_ = c.Do(ctx, "SHUTDOWN", "SAVE").Err()
	c.Close()
	select {
	case <-r.proc.done:
		return nil
	case <-time.After(10 * time.Second):
		r.proc.kill()
		return fmt.Errorf("redis: did not shut down, killed")
	}
}

// flush empties the server: a new fake Bot API server numbers its updates
// from 1 again, which the bot's dedupe keys would take for duplicates.
func (r *redisServer) flush(ctx context.Context) error {
	c := r.client()
	defer c.Close()
	if err := c.FlushAll(ctx).Err(); err != nil {
		return fmt.Errorf("redis: flush: %w", err)
	}
	return nil
}

// close stops the server for good.
func (r *redisServer) close() {
	if r.proc != nil {
		r.proc.kill()
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
