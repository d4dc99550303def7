package broadcasts

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Transport delivers broadcast copies at bulk priority, paced with the rest
// of the bot's traffic. It does not retry: a 429 comes back as *SlowDown,
// an unreachable chat as an error wrapping handlers.ErrUnreachable.
type Transport interface {
	Deliver(ctx context.Context, chatID int64, m handlers.Message) (messageID int, err error)
	// Pause holds all bulk traffic for d.
	Pause(d time.Duration)
}

// SlowDown is Telegram's 429: wait RetryAfter before sending again.
type SlowDown struct{ RetryAfter time.Duration }

func (e *SlowDown) Error() string {
	return fmt.Sprintf("broadcasts: too many requests, retry after %v", e.RetryAfter)
}

// Worker sends the outbox. Start it with Run; it resumes whatever is
// pending when it starts.
//
// A row is claimed with a lease, sent, then marked. If the process dies
// between Telegram accepting a copy and the mark being written, the row is
// claimed again when its lease runs out and that recipient gets the copy
// twice: the window is one SQLite write, and the Bot API takes no
// idempotency key that would close it. A restart at any other moment sends
// every remaining row exactly once.
type Worker struct {
	DB        *store.DB
	Transport Transport
	Out       handlers.Sender // progress messages and reports, at interactive priority
	Text      handlers.Translator
	Now       func() time.Time
	Log       *slog.Logger

	Owner         string        // this instance's name in leases; default host, pid and random
	Lease         time.Duration // default 2 min
	Batch         int           // rows claimed at once; default 100
	Parallel      int           // copies in flight; default 8
	MaxAttempts   int           // sends of a row before it fails; default 3
	ProgressEvery time.Duration // default 3 s
	MaxSleep      time.Duration // default 30 s

	once     sync.Once
	wake     chan struct{}
	mu       sync.Mutex
	progress map[int64]progressState
}

type progressState struct {
	at     time.Time
	sent   int
	rate   float64
	counts store.OutboxCounts
}

func (w *Worker) init() {
	w.once.Do(func() {
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Log == nil {
			w.Log = slog.Default()
		}
		if w.Owner == "" {
			host, _ := os.Hostname()
			var b [4]byte
			rand.Read(b[:])
			w.Owner = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
		}
		if w.Lease <= 0 {
			w.Lease = 2 * time.Minute
		}
		if w.Batch <= 0 {
			w.Batch = 100
		}
		if w.Parallel <= 0 {
			w.Parallel = 8
		}
		if w.MaxAttempts <= 0 {
			w.MaxAttempts = 3
		}
		if w.ProgressEvery <= 0 {
			w.ProgressEvery = 3 * time.Second
		}
		if w.MaxSleep <= 0 {
			w.MaxSleep = 30 * time.Second
		}
		w.wake = make(chan struct{}, 1)
		w.progress = map[int64]progressState{}
	})
}

// Wake makes the worker look at the outbox now. It never blocks.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends. Copies in flight then are finished and
// recorded.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.wake:
		}
		next := w.RunDue(ctx)
		d := min(max(next.Sub(w.Now()), 0), w.MaxSleep)
		timer.Reset(d)
	}
}

// RunDue sends every row that is due, updating progress messages on the
// way, and returns when to look again.
func (w *Worker) RunDue(ctx context.Context) time.Time {
	w.init()
	for ctx.Err() == nil {
		rows, err := w.DB.ClaimOutbox(ctx, w.Owner, w.Now(), w.Lease, w.Batch)
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Error("broadcasts: claim outbox", "err", err)
			}
			return w.Now().Add(5 * time.Second)
		}
		if len(rows) == 0 {
			break
		}
		w.sendBatch(ctx, rows)
		w.report(ctx, false)
	}
	w.report(ctx, true)
	next, ok, err := w.DB.NextOutboxDue(context.WithoutCancel(ctx))
	now := w.Now()
	switch {
	case err != nil:
		w.Log.Error("broadcasts: next due", "err", err)
		return now.Add(5 * time.Second)
	case !ok:
		return now.Add(w.MaxSleep)
	}
	if active := w.activeCount(); active > 0 && next.After(now.Add(w.ProgressEvery)) {
		return now.Add(w.ProgressEvery) // keep progress messages fresh while waiting
	}
	return next
}

func (w *Worker) activeCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.progress)
}

// sendBatch sends claimed rows with up to Parallel in flight. Rows left
// when ctx ends are released unsent, so that a restart takes them at once.
func (w *Worker) sendBatch(ctx context.Context, rows []store.OutboxRow) {
	cache := map[string]handlers.Message{}
	var cacheMu sync.Mutex
	message := func(row store.OutboxRow) (handlers.Message, error) {
		key := itoa(row.BroadcastID) + "/" + row.Language
		cacheMu.Lock()
		defer cacheMu.Unlock()
		if m, ok := cache[key]; ok {
			return m, nil
		}
		b, err := w.DB.Broadcast(ctx, row.BroadcastID)
		if err != nil {
			return handlers.Message{}, err
		}
		lang := row.Language
		if !locales.Supported(lang) {
			lang = locales.Default
		}
		m := Render(w.Text, lang, b)
		cache[key] = m
		return m, nil
	}
	sem := make(chan struct{}, w.Parallel)
	var wg sync.WaitGroup
	for _, row := range rows {
		if ctx.Err() != nil {
			w.release(row, w.Now(), false, "")
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			w.sendOne(ctx, row, message)
		}()
	}
	wg.Wait()
}

func (w *Worker) release(row store.OutboxRow, at time.Time, failed bool, reason string) {
	if err := w.DB.ReleaseOutbox(context.Background(), row.ID, w.Owner, at, failed, reason); err != nil {
		w.Log.Warn("broadcasts: release row", "err", err)
	}
}

func (w *Worker) finish(row store.OutboxRow, status, reason string, messageID int) {
	if err := w.DB.FinishOutbox(context.Background(), row.ID, w.Owner, status, reason, messageID, w.Now()); err != nil {
		w.Log.Warn("broadcasts: record row", "err", err)
	}
}

// sendOne sends one row and records the outcome. A 429 pauses all bulk
// traffic and the row is tried again after the pause without counting an
// attempt.
func (w *Worker) sendOne(ctx context.Context, row store.OutboxRow, message func(store.OutboxRow) (handlers.Message, error)) {
	m, err := message(row)
	if err != nil {
		w.Log.Error("broadcasts: render", "broadcast", row.BroadcastID, "err", err)
		w.release(row, w.Now().Add(time.Minute), true, "render: "+err.Error())
		return
	}
	for {
		id, err := w.Transport.Deliver(ctx, row.RecipientID, m)
		var slow *SlowDown
		switch {
		case err == nil:
			w.finish(row, store.OutboxSent, "", id)
		case errors.As(err, &slow):
			wait := max(slow.RetryAfter, time.Second)
			w.Log.Warn("broadcasts: Telegram asks to slow down; all broadcasts paused", "retry_after", wait)
			w.Transport.Pause(wait)
			if wait < w.Lease/2 && ctx.Err() == nil {
				continue // the pacer holds the next try until the pause ends
			}
			w.release(row, w.Now().Add(wait), false, "")
		case errors.Is(err, handlers.ErrUnreachable):
			w.finish(row, store.OutboxBlocked, reason(err), 0)
		case ctx.Err() != nil:
			w.release(row, w.Now(), false, "")
		case row.Attempts+1 >= w.MaxAttempts:
			w.finish(row, store.OutboxFailed, reason(err), 0)
		default:
			w.release(row, w.Now().Add(backoff(row.Attempts+1)), true, reason(err))
		}
		return
	}
}

// reason is what a report says about an error: Telegram's description,
// without the wrapping of the layers in between.
func reason(err error) string {
	for {
		if multi, ok := err.(interface{ Unwrap() []error }); ok {
			if errs := multi.Unwrap(); len(errs) > 0 {
				err = errs[len(errs)-1]
				continue
			}
		}
		u := errors.Unwrap(err)
		if u == nil || !strings.HasPrefix(err.Error(), "bot: ") && !strings.HasPrefix(err.Error(), "broadcasts: ") {
			return err.Error()
		}
		err = u
	}
}

// backoff is the wait before sending a row again after it failed attempts
// times: 5 s, 20 s, 80 s, … at most 10 min.
func backoff(attempts int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempts && d < 10*time.Minute; i++ {
		d *= 4
	}
	return min(d, 10*time.Minute)
}

// report edits the progress message of each active broadcast every
// ProgressEvery (or now when force), and finishes broadcasts with no row
// pending: a final progress message, a summary and the CSV report.
func (w *Worker) report(ctx context.Context, force bool) {
	ctx = context.WithoutCancel(ctx)
	active, err := w.DB.BroadcastsIn(ctx, store.BroadcastQueued)
	if err != nil {
		w.Log.Error("broadcasts: active broadcasts", "err", err)
		return
	}
	now := w.Now()
	seen := map[int64]bool{}
	for _, b := range active {
		seen[b.ID] = true
		counts, err := w.DB.OutboxCounts(ctx, b.ID)
		if err != nil {
			w.Log.Error("broadcasts: counts", "err", err)
			continue
		}
		if counts.Pending == 0 {
			done, err := w.DB.CompleteBroadcast(ctx, b.ID, now)
			if err != nil || !done {
				continue
			}
			b.State = store.BroadcastDone
			w.finished(ctx, b, counts)
			w.mu.Lock()
			delete(w.progress, b.ID)
			w.mu.Unlock()
			continue
		}
		w.mu.Lock()
		p, known := w.progress[b.ID]
		due := !known || now.Sub(p.at) >= w.ProgressEvery
		if !force && !due || force && known && now.Sub(p.at) < w.ProgressEvery {
			w.mu.Unlock()
			continue
		}
		sent := counts.Sent + counts.Blocked + counts.Failed
		rate := p.rate
		if known && now.After(p.at) {
			rate = float64(sent-p.sent) / now.Sub(p.at).Seconds()
		}
		w.progress[b.ID] = progressState{at: now, sent: sent, rate: rate, counts: counts}
		w.mu.Unlock()
		// A broadcast waiting for its time changes nothing: no edit.
		if b.ProgressMsg != 0 && (!known || counts != p.counts) {
			m := ProgressMessage(w.Text, w.lang(ctx, b), b, counts, rate)
			if err := w.Out.Edit(ctx, b.ProgressChat, b.ProgressMsg, m); err != nil {
				w.Log.Warn("broadcasts: progress edit", "err", err)
			}
		}
	}
	w.mu.Lock()
	for id := range w.progress {
		if !seen[id] {
			delete(w.progress, id) // paused or cancelled
		}
	}
	w.mu.Unlock()
}

func (w *Worker) lang(ctx context.Context, b store.Broadcast) string {
	if m, err := w.DB.Member(ctx, b.AuthorID); err == nil && locales.Supported(m.Language) {
		return m.Language
	}
	return locales.Default
}

// finished tells the author that a broadcast is done, with the report.
func (w *Worker) finished(ctx context.Context, b store.Broadcast, c store.OutboxCounts) {
	if b.ProgressChat == 0 {
		return
	}
	lang := w.lang(ctx, b)
	if b.ProgressMsg != 0 {
		w.Out.Edit(ctx, b.ProgressChat, b.ProgressMsg, ProgressMessage(w.Text, lang, b, c, 0))
	}
	took := b.FinishedAt
	if took.IsZero() {
		took = w.Now()
	}
	text := w.Text.Text(lang, "broadcast.summary", locales.Args{
		"ID": b.ID, "Sent": c.Sent, "Blocked": c.Blocked, "Failed": c.Failed, "Total": c.Total(),
		"Duration": took.Sub(b.QueuedAt).Round(time.Second).String(),
	})
	if _, err := w.Out.Send(ctx, b.ProgressChat, handlers.Message{Text: text}); err != nil {
		w.Log.Warn("broadcasts: summary", "err", err)
	}
	data, err := Report(ctx, w.DB, b.ID)
	if err != nil {
		w.Log.Error("broadcasts: report", "err", err)
		return
	}
	if _, err := w.Out.Send(ctx, b.ProgressChat, handlers.Message{Document: &handlers.File{
		Name: fmt.Sprintf("broadcast-%d.csv", b.ID), Data: data,
		Caption: w.Text.Text(lang, "broadcast.report.caption", locales.Args{"ID": b.ID}),
	}}); err != nil {
		w.Log.Warn("broadcasts: report", "err", err)
	}
}

// ProgressMessage shows a broadcast's state, counts, rate and time left,
// with the buttons its state allows.
func ProgressMessage(tr handlers.Translator, lang string, b store.Broadcast, c store.OutboxCounts, rate float64) handlers.Message {
	left := "—"
	if rate > 0 && c.Pending > 0 {
		left = (time.Duration(float64(c.Pending)/rate) * time.Second).Round(time.Second).String()
	}
	text := tr.Text(lang, "broadcast.progress", locales.Args{
		"ID": b.ID, "State": tr.Text(lang, "broadcast.state."+string(b.State), nil),
		"Sent": c.Sent, "Blocked": c.Blocked, "Failed": c.Failed, "Left": c.Pending, "Skipped": c.Skipped,
		"Total": c.Total(), "Rate": strconv.FormatFloat(rate, 'f', 1, 64), "ETA": left,
	})
	button := func(id, action string) handlers.Button {
		return handlers.Button{Text: tr.Text(lang, id, nil), Data: control(action, b.ID)}
	}
	var row []handlers.Button
	switch b.State {
	case store.BroadcastQueued:
		row = append(row, button("broadcast.button.pause", "pause"), button("broadcast.button.stop", "cancel"))
	case store.BroadcastPaused:
		row = append(row, button("broadcast.button.resume", "resume"), button("broadcast.button.stop", "cancel"))
	case store.BroadcastDone, store.BroadcastCancelled:
		row = append(row, button("broadcast.button.report", "report"))
	}
	m := handlers.Message{Text: text}
	if len(row) > 0 {
		m.Buttons = [][]handlers.Button{row}
	}
	return m
}

// Report returns a broadcast's delivery report as CSV: one row per
// recipient with status, reason and time.
func Report(ctx context.Context, db *store.DB, id int64) ([]byte, error) {
	rows, err := db.OutboxReport(ctx, id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"recipient_id", "name", "username", "status", "reason", "attempts", "sent_at"})
	for _, r := range rows {
		name, username := "", ""
		if m, err := db.Member(ctx, r.RecipientID); err == nil {
			name, username = displayName(m), m.Username
		}
		sent := ""
		if !r.SentAt.IsZero() {
			sent = r.SentAt.UTC().Format(time.RFC3339)
		}
		cw.Write([]string{itoa(r.RecipientID), csvSafe(name), csvSafe(username), r.Status, csvSafe(r.Reason),
			strconv.Itoa(r.Attempts), sent})
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
