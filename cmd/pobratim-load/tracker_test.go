package main

import (
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

func TestDuplicated(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  record
		want bool
	}{
		{"one reply", record{replies: []reply{{"sendMessage", "a", 1}}, gens: 1 << 1}, false},
		{"two different replies", record{replies: []reply{{"sendMessage", "a", 1}, {"sendPhoto", "b", 1}}, gens: 1 << 1}, false},
		{"the same reply twice", record{replies: []reply{{"sendMessage", "a", 1}, {"sendMessage", "a", 1}}, gens: 1 << 1}, true},
		{"a reply pair twice", record{replies: []reply{{"sendMessage", "a", 1}, {"sendPhoto", "b", 1},
			{"sendMessage", "a", 1}, {"sendPhoto", "b", 1}}, gens: 1 << 1}, true},
		{"three replies", record{replies: []reply{{"sendMessage", "a", 1}, {"sendMessage", "a", 1}, {"sendMessage", "a", 1}}, gens: 1 << 1}, false},
		{"press answered twice", record{answers: 2, gens: 1 << 1}, true},
		{"replies from two processes", record{replies: []reply{{"sendMessage", "a", 1}, {"sendMessage", "b", 2}}, gens: 1<<1 | 1<<2}, true},
	} {
		if got := tc.rec.duplicated(); got != tc.want {
			t.Errorf("%s: duplicated() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestTrackerPairsReplies checks that reactions find their update whatever
// order the server, the proxy and the injector report them in.
func TestTrackerPairsReplies(t *testing.T) {
	tr := newTracker(func(text string) string {
		if text == "oops" {
			return "error.internal"
		}
		return ""
	})
	var released []*record
	tr.begin(func(r *record) { released = append(released, r) })
	ann := &member{User: telegramtest.User{ID: 1}}
	bob := &member{User: telegramtest.User{ID: 2}}
	t0 := time.Now()

	msg := tr.register(ann, action{text: "/start"}, "", t0)
	tr.handedOut([]int64{10}, t0.Add(time.Millisecond)) // before the injector bound the id
	tr.bind(msg, 10)
	press := tr.register(bob, action{data: "lang:set:be", messageID: 5}, "q1", t0)
	tr.bind(press, 11)
	tr.handedOut([]int64{11}, t0.Add(2*time.Millisecond))

	tr.sent(telegramtest.Sent{Seq: 1, Method: "sendMessage", ChatID: 1, Text: "hello", At: t0.Add(5 * time.Millisecond),
		Markup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x", CallbackData: "lang:set:ru"}}}}})
	tr.sent(telegramtest.Sent{Seq: 2, Method: "editMessageText", ChatID: 2, MessageID: 5, Text: "oops", At: t0.Add(6 * time.Millisecond)})
	if len(released) != 1 || released[0] != msg {
		t.Fatalf("released %v after the message's reply and the press's edit, want only the message", released)
	}
	tr.answered("q1", t0.Add(7*time.Millisecond), true)
	if len(released) != 2 || released[1] != press {
		t.Fatalf("the press was not released by its callback answer")
	}
	if got := msg.latency(); got != 4*time.Millisecond {
		t.Errorf("message latency %v, want 4ms (from the hand-out)", got)
	}
	if got := press.latency(); got != 4*time.Millisecond {
		t.Errorf("press latency %v, want 4ms (to the first reaction)", got)
	}
	if press.kind != "error.internal" || msg.kind != "" {
		t.Errorf("kinds %q, %q", msg.kind, press.kind)
	}
	if k, ok := tr.keyboard(1); !ok || findButton(k, "lang:set:") != "lang:set:ru" {
		t.Errorf("keyboard of chat 1 not kept: %+v", k)
	}

	tr.sent(telegramtest.Sent{Seq: 3, Method: "sendMessage", ChatID: 3, Text: "to nobody"})
	tr.sent(telegramtest.Sent{Seq: 4, Method: "sendMessage", ChatID: 1, Text: "hello"}) // handled twice
	tr.answered("q1", t0.Add(8*time.Millisecond), false)
	if !msg.duplicated() || !press.duplicated() {
		t.Errorf("duplicates not seen: message %v, press %v", msg.duplicated(), press.duplicated())
	}
	tr.inspect(func(recs []*record, strays int) {
		if len(recs) != 2 || strays != 1 {
			t.Errorf("%d records, %d strays; want 2 and 1", len(recs), strays)
		}
	})

	lost := tr.register(ann, action{text: "/help"}, "", t0)
	tr.bind(lost, 12)
	if n := tr.expire(t0.Add(time.Second)); n != 1 || !lost.lost {
		t.Errorf("expire gave up on %d updates, lost=%v", n, lost.lost)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond} {
		if got := percentile(d, q); got != want {
			t.Errorf("percentile(%v) = %v, want %v", q, got, want)
		}
	}
}
