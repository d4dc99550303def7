package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// Sent is one call of the bot that a user would see: sendMessage, editMessageText,
// editMessageReplyMarkup, sendDocument, sendPhoto, sendLocation or deleteMessage.
// Only calls the server accepted are recorded. A Sent is shared with every reader and
// must not be modified.
type Sent struct {
	Seq       int    // 1 for the first call recorded, then 2, 3, …
	Method    string // e.g. "sendMessage"
	ChatID    int64
	MessageID int // the message sent, edited or deleted

	Text      string // text as sent, before parse mode (for deleteMessage: the deleted text)
	ParseMode string
	Caption   string // caption of a document or photo, before parse mode
	Plain     string // the text or caption as the user sees it, after parse mode

	Markup        *models.InlineKeyboardMarkup // decoded reply_markup when it is an inline keyboard
	ReplyKeyboard json.RawMessage              // raw reply_markup when it is not inline

	FileName string // uploaded (or re-sent) file
	FileData []byte

	Latitude  float64
	Longitude float64

	Fields map[string]string // every plain form field of the call
	At     time.Time         // when the server accepted the call, by its clock
}

// String describes the call in one line, for test failure messages.
func (x Sent) String() string {
	text := x.Plain
	if text == "" {
		text = x.Text
	}
	if len(text) > 80 {
		text = text[:77] + "..."
	}
	return fmt.Sprintf("#%d %s chat %d message %d %q", x.Seq, x.Method, x.ChatID, x.MessageID, text)
}

// Buttons returns the labels of the inline keyboard of the call, row by row.
func (x Sent) Buttons() [][]string {
	if x.Markup == nil {
		return nil
	}
	out := make([][]string, len(x.Markup.InlineKeyboard))
	for i, row := range x.Markup.InlineKeyboard {
		for _, b := range row {
			out[i] = append(out[i], b.Text)
		}
	}
	return out
}

// record appends an accepted call to the log and feeds the subscribers. The caller
// holds s.mu.
func (s *Server) record(x Sent) {
	x.Seq = len(s.sent) + 1
	x.At = s.now()
	s.sent = append(s.sent, x)
	for sub := range s.subs {
		sub.push(x)
	}
}

// Sent returns every recorded call, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the recorded calls addressing one chat, in order.
func (s *Server) SentTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, x := range s.sent {
		if x.ChatID == chatID {
			out = append(out, x)
		}
	}
	return out
}

// LastSeq returns the Seq of the latest recorded call, 0 before the first one. Pass
// it to WaitForAfter to wait for what the bot does next.
func (s *Server) LastSeq() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// WaitFor returns the first recorded call, already present or still to come, that
// match accepts. match runs without the server's lock held. The error wraps the
// context's error (or is ErrClosed) and lists the latest calls.
func (s *Server) WaitFor(ctx context.Context, match func(Sent) bool) (Sent, error) {
	return s.WaitForAfter(ctx, 0, match)
}

// WaitForAfter is WaitFor for the calls recorded after the one numbered seq (see
// LastSeq), so a test can wait for the reply to what it just injected, and a load
// run does not rescan what it has already seen.
func (s *Server) WaitForAfter(ctx context.Context, seq int, match func(Sent) bool) (Sent, error) {
	next := max(seq, 0)
	for {
		s.mu.Lock()
		// Recorded entries are never modified, so the slice can be read unlocked.
		var fresh []Sent
		if next < len(s.sent) {
			fresh = s.sent[next:len(s.sent):len(s.sent)]
		}
		ch := s.changed
		s.mu.Unlock()
		for _, x := range fresh {
			if match(x) {
				return x, nil
			}
		}
		next += len(fresh)
		select {
		case <-ctx.Done():
			return Sent{}, fmt.Errorf("telegramtest: no matching call: %w; %s", ctx.Err(), s.describeSent())
		case <-s.closed:
			return Sent{}, fmt.Errorf("%w: no matching call; %s", ErrClosed, s.describeSent())
		case <-ch:
		}
	}
}

// WaitCount waits until at least n calls addressing the chat are recorded and returns
// all of them.
func (s *Server) WaitCount(ctx context.Context, chatID int64, n int) ([]Sent, error) {
	var got []Sent
	next := 0
	for {
		s.mu.Lock()
		fresh := s.sent[next:len(s.sent):len(s.sent)]
		ch := s.changed
		s.mu.Unlock()
		for _, x := range fresh {
			if x.ChatID == chatID {
				got = append(got, x)
			}
		}
		next += len(fresh)
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, fmt.Errorf("telegramtest: %d of %d calls to chat %d: %w; %s", len(got), n, chatID, ctx.Err(), s.describeSent())
		case <-s.closed:
			return got, fmt.Errorf("%w: %d of %d calls to chat %d", ErrClosed, len(got), n, chatID)
		case <-ch:
		}
	}
}

// describeSent lists the latest recorded calls for an error message.
func (s *Server) describeSent() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sent) == 0 {
		return "nothing was sent"
	}
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "%d calls recorded", len(s.sent))
	from := max(len(s.sent)-show, 0)
	if from > 0 {
		b.WriteString(", the latest")
	}
	b.WriteString(":")
	for _, x := range s.sent[from:] {
		b.WriteString("\n\t")
		b.WriteString(x.String())
	}
	return b.String()
}

// subscriber is a live feed of recorded calls. Calls queue up without bound, so the
// server never waits for a slow reader and a reader that keeps up loses nothing.
type subscriber struct {
	ch   chan Sent
	stop chan struct{} // closed by the unsubscribe func
	once sync.Once

	mu       sync.Mutex
	queue    []Sent
	wake     chan struct{} // capacity 1
	draining bool          // the server is closed: deliver what is queued, then close ch
}

// Subscribe returns a live feed of the calls recorded from now on, and a func that
// ends it. The channel is closed by that func, or after the queued calls are delivered
// once the server is closed. Call the func when done reading.
func (s *Server) Subscribe() (<-chan Sent, func()) {
	sub := &subscriber{
		ch:   make(chan Sent, 256),
		stop: make(chan struct{}),
		wake: make(chan struct{}, 1),
	}
	s.mu.Lock()
	select {
	case <-s.closed:
		sub.draining = true
	default:
		s.subs[sub] = struct{}{}
	}
	s.mu.Unlock()
	go sub.pump()
	return sub.ch, func() {
		sub.once.Do(func() {
			s.mu.Lock()
			delete(s.subs, sub)
			s.mu.Unlock()
			close(sub.stop)
		})
	}
}

func (sub *subscriber) push(x Sent) {
	sub.mu.Lock()
	sub.queue = append(sub.queue, x)
	sub.mu.Unlock()
	sub.signal()
}

func (sub *subscriber) drain() {
	sub.mu.Lock()
	sub.draining = true
	sub.mu.Unlock()
	sub.signal()
}

func (sub *subscriber) signal() {
	select {
	case sub.wake <- struct{}{}:
	default:
	}
}

func (sub *subscriber) pump() {
	defer close(sub.ch)
	for {
		sub.mu.Lock()
		if len(sub.queue) == 0 {
			sub.queue = nil
			draining := sub.draining
			sub.mu.Unlock()
			if draining {
				return
			}
			select {
			case <-sub.wake:
				continue
			case <-sub.stop:
				return
			}
		}
		x := sub.queue[0]
		sub.queue[0] = Sent{}
		sub.queue = sub.queue[1:]
		sub.mu.Unlock()
		select {
		case sub.ch <- x:
		case <-sub.stop:
			return
		}
	}
}
