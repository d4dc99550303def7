package main

import (
	"math/bits"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

// record is the life of one update: sent by a member, handed to the bot,
// answered.
type record struct {
	id       int64
	member   *member
	act      action
	queryID  string    // the button press's callback query id, if it is one
	injected time.Time // queued at the fake server
	handed   time.Time // first handed to the bot in a getUpdates answer
	handouts int       // how many getUpdates answers carried it
	first    time.Time // the bot's first reaction: a message, an edit, a callback answer
	done     bool      // answered, or given up on (lost)
	lost     bool
	kind     string // what the first message was, when it is a known one (an error, a saved meeting)
	replies  []reply
	answers  int   // answerCallbackQuery calls for it
	gens     uint8 // bit g set: bot process generation g reacted to it
}

// reply is something the bot sent in a member's chat while the record was
// the member's latest update.
type reply struct {
	method string
	text   string
	gen    int
}

// latency is the time from the update being handed to the bot to its first
// reaction.
func (r *record) latency() time.Duration {
	from := r.handed
	if from.IsZero() {
		from = r.injected
	}
	return r.first.Sub(from)
}

// duplicated reports whether the bot reacted to the update more than once:
// the button press answered twice, replies from two bot processes (before
// and after a crash), or a reply sequence that repeats itself (the update
// handled twice by the same process).
func (r *record) duplicated() bool {
	if r.answers > 1 || bits.OnesCount8(r.gens) > 1 {
		return true
	}
	n := len(r.replies)
	if n < 2 || n%2 != 0 {
		return false
	}
	for i := range n / 2 {
		a, b := r.replies[i], r.replies[i+n/2]
		if a.method != b.method || a.text != b.text {
			return false
		}
	}
	return true
}

// keyboard is the latest inline keyboard the bot showed in a chat.
type keyboard struct {
	messageID int
	markup    *models.InlineKeyboardMarkup
}

// tracker pairs updates with the bot's reactions. Members have at most one
// update waiting at a time, so whatever the bot sends to a member's chat
// belongs to that member's latest update.
type tracker struct {
	classify func(text string) string // the message id of a known text, "" for others
	release  func(*record)            // called once when a record is done

	mu      sync.Mutex
	gen     int  // the bot process generation, 1 after the first start
	ignore  bool // set while the harness itself sends (announcements)
	byChat  map[int64]*record
	byQuery map[string]*record
	byID    map[int64]*record
	early   map[int64]time.Time // handed out before the injector bound the id
	open    map[*record]struct{}
	records []*record // of the current phase
	kb      map[int64]keyboard
	strays  int // bot messages to chats without an update of theirs
	seq     int // the Seq of the latest call taken
}

func newTracker(classify func(string) string) *tracker {
	return &tracker{
		classify: classify,
		release:  func(*record) {},
		gen:      1,
		byChat:   map[int64]*record{},
		byQuery:  map[string]*record{},
		byID:     map[int64]*record{},
		early:    map[int64]time.Time{},
		open:     map[*record]struct{}{},
		kb:       map[int64]keyboard{},
	}
}

// begin starts a phase: records and strays are counted afresh.
func (t *tracker) begin(release func(*record)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.records = nil
	t.strays = 0
	t.release = release
	clear(t.early)
}

// setGen sets the bot process generation that reactions are attributed to
// from now on.
func (t *tracker) setGen(g int) {
	t.mu.Lock()
	t.gen = g
	t.mu.Unlock()
}

func (t *tracker) setIgnore(v bool) {
	t.mu.Lock()
	t.ignore = v
	t.mu.Unlock()
}

// register notes an update about to be injected, so that reactions that
// race with the injector's bookkeeping are not missed.
func (t *tracker) register(m *member, act action, queryID string, now time.Time) *record {
	rec := &record{member: m, act: act, queryID: queryID, injected: now}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byChat[m.ID] = rec
	if queryID != "" {
		t.byQuery[queryID] = rec
	}
	t.open[rec] = struct{}{}
	t.records = append(t.records, rec)
	return rec
}

// bind gives a registered record the update id the server assigned.
func (t *tracker) bind(rec *record, id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec.id = id
	t.byID[id] = rec
	if at, ok := t.early[id]; ok {
		rec.handed, rec.handouts = at, 1
		delete(t.early, id)
	}
}

func (t *tracker) handedOut(ids []int64, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		rec := t.byID[id]
		if rec == nil {
			if _, ok := t.early[id]; !ok {
				t.early[id] = at
			}
			continue
		}
		rec.handouts++
		if rec.handed.IsZero() {
			rec.handed = at
		}
	}
}

func (t *tracker) answered(queryID string, at time.Time, ok bool) {
	t.mu.Lock()
	rec := t.byQuery[queryID]
	if rec == nil || t.ignore {
		t.mu.Unlock()
		return
	}
	rec.answers++
	rec.gens |= 1 << t.gen
	if ok && (rec.first.IsZero() || at.Before(rec.first)) {
		rec.first = at
	}
	done := t.finish(rec)
	t.mu.Unlock()
	if done {
		t.release(rec)
	}
}

// sent takes a call the fake server recorded.
func (t *tracker) sent(x telegramtest.Sent) {
	t.mu.Lock()
	t.seq = max(t.seq, x.Seq)
	switch {
	case x.Markup != nil && len(x.Markup.InlineKeyboard) > 0:
		t.kb[x.ChatID] = keyboard{messageID: x.MessageID, markup: x.Markup}
	case x.Method == "editMessageText" || x.Method == "editMessageReplyMarkup" || x.Method == "deleteMessage":
		if k, ok := t.kb[x.ChatID]; ok && k.messageID == x.MessageID {
			delete(t.kb, x.ChatID)
		}
	}
	rec := t.byChat[x.ChatID]
	if t.ignore || rec == nil {
		if !t.ignore {
			t.strays++
		}
		t.mu.Unlock()
		return
	}
	text := x.Text
	if text == "" {
		text = x.Caption
	}
	rec.replies = append(rec.replies, reply{method: x.Method, text: text, gen: t.gen})
	rec.gens |= 1 << t.gen
	if rec.first.IsZero() {
		rec.first = x.At
		rec.kind = t.classify(text)
	}
	done := false
	if rec.queryID == "" {
		done = t.finish(rec)
	}
	t.mu.Unlock()
	if done {
		t.release(rec)
	}
}

// finish marks rec done and reports whether it was still open. The caller
// holds t.mu.
func (t *tracker) finish(rec *record) bool {
	if rec.done {
		return false
	}
	rec.done = true
	delete(t.open, rec)
	return true
}

// expire gives up on the updates injected before cutoff that have had no
// reaction, and returns how many.
func (t *tracker) expire(cutoff time.Time) int {
	t.mu.Lock()
	var lost []*record
	for rec := range t.open {
		if rec.injected.Before(cutoff) {
			rec.lost = true
			t.finish(rec)
			lost = append(lost, rec)
		}
	}
	t.mu.Unlock()
	for _, rec := range lost {
		t.release(rec)
	}
	return len(lost)
}

// pending returns how many updates await a reaction.
func (t *tracker) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.open)
}

// keyboard returns the latest keyboard in a chat.
func (t *tracker) keyboard(chatID int64) (keyboard, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k, ok := t.kb[chatID]
	return k, ok
}

// inspect runs fn on the records of the current phase, with the tracker
// locked so that late replies wait.
func (t *tracker) inspect(fn func(recs []*record, strays int)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fn(t.records, t.strays)
}

// latest reports whether rec is still its member's latest update.
func (t *tracker) latest(rec *record) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byChat[rec.member.ID] == rec
}

// seen returns the Seq of the latest call the tracker has taken.
func (t *tracker) seen() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seq
}

// latestAnswered returns up to n records of the phase that were answered
// and are still their member's latest update.
func (t *tracker) latestAnswered(n int) []*record {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*record
	for _, rec := range t.records {
		if len(out) == n {
			break
		}
		if !rec.first.IsZero() && t.byChat[rec.member.ID] == rec {
			out = append(out, rec)
		}
	}
	return out
}
