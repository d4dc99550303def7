package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

// rig is one bot under test with its own fake Bot API server, the proxy in
// front of it and the tracker reading both.
type rig struct {
	name string // "pobratim" or "floor"
	bin  string
	args []string
	env  []string
	dir  string

	srv   *telegramtest.Server
	proxy *proxy
	tr    *tracker
	proc  *process
	gen   int // how many times the bot was started
	unsub func()
	fed   chan struct{} // closed when the server's feed has been read to its end
}

func newRig(name, bin string, args, env []string, dir string, classify func(string) string, opts ...telegramtest.Option) (*rig, error) {
	r := &rig{name: name, bin: bin, args: args, env: env, dir: dir,
		srv: telegramtest.NewServer(opts...), tr: newTracker(classify), fed: make(chan struct{})}
	p, err := newProxy(r.srv.URL(), r.tr)
	if err != nil {
		r.srv.Close()
		return nil, err
	}
	r.proxy = p
	feed, unsub := r.srv.Subscribe()
	r.unsub = unsub
	go func() {
		defer close(r.fed)
		for x := range feed {
			r.tr.sent(x)
		}
	}()
	return r, nil
}

// start runs the bot (again) and waits until it polls for updates. It
// returns how long that took.
func (r *rig) start(ctx context.Context) (time.Duration, error) {
	began := time.Now()
	polls := r.srv.Calls("getUpdates")
	r.gen++
	r.tr.setGen(r.gen)
	env := append([]string{"TELEGRAM_API_URL=" + r.proxy.URL()}, r.env...)
	p, err := start(r.name, r.bin, r.args, env, filepath.Join(r.dir, r.name+".log"))
	if err != nil {
		return 0, err
	}
	r.proc = p
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	err = r.srv.WaitUntil(ctx, func() bool { return r.srv.Calls("getUpdates") > polls || !p.alive() })
	if !p.alive() {
		return 0, fmt.Errorf("%s exited at start (%v); see %s", r.name, p.err, filepath.Join(r.dir, r.name+".log"))
	}
	if err != nil {
		return 0, fmt.Errorf("%s: not polling: %w", r.name, err)
	}
	return time.Since(began), nil
}

// stop ends the bot gracefully.
func (r *rig) stop() error {
	if r.proc == nil {
		return nil
	}
	return r.proc.stop(30 * time.Second)
}

// close stops everything the rig runs.
func (r *rig) close() {
	if r.proc != nil {
		r.proc.kill()
	}
	r.proxy.close()
	r.unsub()
	r.srv.Close()
	<-r.fed
}

// usage reads the bot's consumption; a dead bot reads as zero.
func (r *rig) usage() usage {
	if r.proc == nil || !r.proc.alive() {
		return usage{}
	}
	u, _ := r.proc.usage()
	return u
}
