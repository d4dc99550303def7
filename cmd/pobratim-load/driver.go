package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

// member is a simulated person. Only the driver's goroutine touches it.
type member struct {
	telegramtest.User
	verified bool // a member of the association (role member or above)
	script   *script
	step     int
}

// action is one update a member sends.
type action struct {
	script    string
	text      string // a message, or
	data      string // a button press: its callback data
	messageID int    // and the message the button is under
	dialog    bool   // the text answers a dialog, or starts or ends one
	stateless bool   // a command that needs no state store
}

// next returns the member's next update: the next step of their script,
// or the first of a new one. A press is skipped when the bot's latest
// keyboard in the chat has no such button.
func (m *member) next(rng *rand.Rand, p *picker, kb func(int64) (keyboard, bool)) action {
	for range 64 {
		if m.script == nil || m.step >= len(m.script.steps) {
			m.script, m.step = p.pick(rng, m.verified), 0
		}
		st := m.script.steps[m.step]
		m.step++
		if st.prefix == "" {
			return action{script: m.script.name, text: st.texts[rng.IntN(len(st.texts))],
				dialog: st.dialog || st.state, stateless: st.stateless()}
		}
		k, ok := kb(m.ID)
		if !ok {
			continue
		}
		if data := findButton(k, st.prefix); data != "" {
			return action{script: m.script.name, data: data, messageID: k.messageID}
		}
	}
	return action{script: "start", text: "/start", stateless: true}
}

// findButton returns the data of the first button whose data starts with
// prefix.
func findButton(k keyboard, prefix string) string {
	for _, row := range k.markup.InlineKeyboard {
		for _, b := range row {
			if strings.HasPrefix(b.CallbackData, prefix) {
				return b.CallbackData
			}
		}
	}
	return ""
}

// driver sends members' updates to the fake server at a pace and keeps
// every member to one update at a time.
type driver struct {
	srv     *telegramtest.Server
	tr      *tracker
	pick    *picker
	rng     *rand.Rand
	timeout time.Duration // an update unanswered this long is lost

	choose  func(m *member) action        // what members send; nil: the mix
	idle    chan *member                  // members free to send, longest idle first
	slots   atomic.Pointer[chan struct{}] // closed loop: one token per update in flight
	queries atomic.Int64
	starved int // open loop: ticks that found no idle member
}

func newDriver(srv *telegramtest.Server, tr *tracker, members []*member, scripts []script, seed uint64, timeout time.Duration) *driver {
	d := &driver{srv: srv, tr: tr, pick: newPicker(scripts), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		timeout: timeout, idle: make(chan *member, len(members))}
	for _, m := range members {
		d.idle <- m
	}
	return d
}

// release returns a member whose update is done to the idle queue, and its
// slot.
func (d *driver) release(rec *record) {
	d.idle <- rec.member
	if slots := d.slots.Load(); slots != nil {
		select {
		case <-*slots:
		default:
		}
	}
}

// send injects the member's next update.
func (d *driver) send(m *member) {
	if d.choose != nil {
		d.sendAction(m, d.choose(m))
		return
	}
	d.sendAction(m, m.next(d.rng, d.pick, d.tr.keyboard))
}

// sendAction injects one update for m.
func (d *driver) sendAction(m *member, act action) {
	if act.data == "" {
		rec := d.tr.register(m, act, "", time.Now())
		d.tr.bind(rec, d.srv.SendText(m.User, act.text))
		return
	}
	qid := strconv.FormatInt(m.ID, 10) + "-" + strconv.FormatInt(d.queries.Add(1), 10)
	q := &models.CallbackQuery{ID: qid, From: m.TelegramUser(), ChatInstance: strconv.FormatInt(m.ID*7919, 10), Data: act.data}
	if msg, ok := d.srv.ChatMessage(m.ID, act.messageID); ok {
		q.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &msg}
	} else {
		q.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: m.PrivateChat(), MessageID: act.messageID}}
	}
	rec := d.tr.register(m, act, qid, time.Now())
	d.tr.bind(rec, d.srv.InjectUpdate(models.Update{CallbackQuery: q}))
}

// watch expires unanswered updates until ctx ends.
func (d *driver) watch(ctx context.Context) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			d.tr.expire(now.Add(-d.timeout))
		}
	}
}

// open sends n updates at rate per second, on schedule whatever the bot
// does, from members who are free; it returns when all are sent, at the
// deadline, or when ctx ends. pace, when set, is called before each
// update and may hold it back (a fault being set up).
func (d *driver) open(ctx context.Context, rate float64, n int, deadline time.Time, pace func(i int)) int {
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	sent := 0
	for sent < n {
		select {
		case <-ctx.Done():
			return sent
		case now := <-tick.C:
			if now.After(deadline) {
				return sent
			}
			due := min(n, int(now.Sub(start).Seconds()*rate)+1)
			for sent < due {
				if pace != nil {
					pace(sent)
				}
				select {
				case m := <-d.idle:
					d.send(m)
				default:
					d.starved++
				}
				sent++
			}
		}
	}
	return sent
}

// closed keeps conc updates in flight until n are sent, the deadline, or
// ctx ends: as fast as the bot answers.
func (d *driver) closed(ctx context.Context, conc, n int, deadline time.Time) int {
	slots := make(chan struct{}, conc)
	d.slots.Store(&slots)
	defer d.slots.Store(nil)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	for sent := 0; sent < n; sent++ {
		select {
		case <-ctx.Done():
			return sent
		case slots <- struct{}{}:
		}
		select {
		case <-ctx.Done():
			return sent
		case m := <-d.idle:
			d.send(m)
		}
	}
	return n
}

// quiesce waits until every update sent has been answered or has expired,
// and then settle more, so that late second messages are seen.
func (d *driver) quiesce(ctx context.Context, settle time.Duration) error {
	deadline := time.Now().Add(d.timeout + 5*time.Second)
	for d.tr.pending() > 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("driver: %d updates still pending", d.tr.pending())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(settle):
	}
	return nil
}
