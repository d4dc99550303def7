package telegramtest

import "time"

// Telegram's flood limits, see WithRateLimits.
const (
	globalLimit   = 30
	globalWindow  = time.Second
	privateLimit  = 1
	privateWindow = time.Second
	groupLimit    = 20
	groupWindow   = time.Minute
)

// rateLimiter counts the messages accepted in sliding windows: all of them, and per
// chat.
type rateLimiter struct {
	global []time.Time
	chats  map[int64][]time.Time
}

func newRateLimiter() *rateLimiter {
	return &rateLimiter{chats: map[int64][]time.Time{}}
}

// allow accepts a message for the chat at now and returns 0, or refuses it and
// returns the whole seconds (at least 1) until it would be accepted.
func (l *rateLimiter) allow(now time.Time, chatID int64) int {
	limit, window := privateLimit, privateWindow
	if chatID < 0 {
		limit, window = groupLimit, groupWindow
	}
	l.global = trimWindow(l.global, now.Add(-globalWindow))
	chat := trimWindow(l.chats[chatID], now.Add(-window))
	var wait time.Duration
	if n := len(l.global); n >= globalLimit {
		wait = max(wait, l.global[n-globalLimit].Add(globalWindow).Sub(now))
	}
	if n := len(chat); n >= limit {
		wait = max(wait, chat[n-limit].Add(window).Sub(now))
	}
	if wait > 0 || len(l.global) >= globalLimit || len(chat) >= limit {
		l.chats[chatID] = chat
		secs := int((wait + time.Second - 1) / time.Second)
		return max(secs, 1)
	}
	l.global = append(l.global, now)
	l.chats[chatID] = append(chat, now)
	return 0
}

// trimWindow drops the times at or before cutoff from a sorted slice.
func trimWindow(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	if i == len(ts) {
		return ts[:0]
	}
	return ts[i:]
}
