package bot

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// dispatcher runs updates in ordered lanes, one per chat: the updates of one
// chat are handled one after another, in the order Telegram sent them, while
// different chats proceed in parallel, at most `workers` at a time. The
// Telegram library would otherwise start an unordered goroutine per update.
type dispatcher struct {
	handle  func(ctx context.Context, upd *models.Update)
	log     *slog.Logger
	sem     chan struct{}
	mu      sync.Mutex
	lanes   map[int64][]*models.Update // pending updates per chat; a key exists while its lane runs
	closed  bool
	running sync.WaitGroup
}

func newDispatcher(workers int, log *slog.Logger, handle func(ctx context.Context, upd *models.Update)) *dispatcher {
	return &dispatcher{handle: handle, log: log, sem: make(chan struct{}, workers), lanes: make(map[int64][]*models.Update)}
}

// dispatch queues upd in its chat's lane. It never blocks on handling.
func (d *dispatcher) dispatch(ctx context.Context, upd *models.Update) {
	key := laneKey(upd)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		d.log.Warn("update arrived during shutdown, dropped", "update_id", upd.ID)
		return
	}
	queue, running := d.lanes[key]
	d.lanes[key] = append(queue, upd)
	if !running {
		d.running.Add(1)
		go d.run(ctx, key)
	}
}

func (d *dispatcher) run(ctx context.Context, key int64) {
	defer d.running.Done()
	for {
		d.mu.Lock()
		queue := d.lanes[key]
		if len(queue) == 0 {
			delete(d.lanes, key)
			d.mu.Unlock()
			return
		}
		upd := queue[0]
		queue[0] = nil
		d.lanes[key] = queue[1:]
		d.mu.Unlock()

		d.sem <- struct{}{}
		d.safeHandle(ctx, upd)
		<-d.sem
	}
}

func (d *dispatcher) safeHandle(ctx context.Context, upd *models.Update) {
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("panic while handling update", "update_id", upd.ID, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	d.handle(ctx, upd)
}

// drain stops accepting updates and waits for the queued ones, at most
// until timeout. It reports whether everything was handled.
func (d *dispatcher) drain(timeout time.Duration) bool {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.running.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// laneKey is the chat an update belongs to; updates without a chat share
// the user's lane, and those without either share lane 0.
func laneKey(upd *models.Update) int64 {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.ID
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.ID
	case upd.CallbackQuery != nil:
		if m := upd.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID
		}
		if m := upd.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID
		}
		return upd.CallbackQuery.From.ID
	case upd.MyChatMember != nil:
		return upd.MyChatMember.Chat.ID
	}
	return 0
}
