package bot

import (
	"context"
	"sync"
	"time"
)

// Priority orders the traffic that shares the pacer.
type Priority int

// Priorities. Interactive replies to people go first; broadcast copies use
// what is left.
const (
	Interactive Priority = iota
	Bulk
)

// DefaultBroadcastRate is the default limit of messages per second for the
// whole bot: below Telegram's bulk limit of about 30.
const DefaultBroadcastRate = 25

// Pacer keeps the whole bot's traffic within Telegram's limits: a token
// bucket of rate messages per second for everything, and for bulk traffic
// at most one message a second to a private chat and 20 a minute to a
// group. Interactive traffic takes tokens first: bulk traffic leaves a
// reserve in the bucket and waits while interactive senders wait. Pause
// stops bulk traffic (after a 429) while interactive traffic goes on.
//
// The bucket holds few tokens so that no one-second window carries more
// than rate plus that burst: Telegram counts in sliding windows.
type Pacer struct {
	rate    float64
	burst   float64
	reserve float64 // tokens bulk traffic leaves for interactive replies

	mu          sync.Mutex
	tokens      float64
	last        time.Time
	waiting     int // interactive senders waiting for a token
	pausedUntil time.Time
	chats       map[int64]time.Time // next moment bulk traffic may address the chat
}

// NewPacer returns a pacer for rate messages per second (DefaultBroadcastRate
// when rate ≤ 0).
func NewPacer(rate int) *Pacer {
	if rate <= 0 {
		rate = DefaultBroadcastRate
	}
	burst := max(3, float64(rate)/10)
	// The bucket starts empty: a process that just restarted does not know
	// what its predecessor sent in the last second.
	return &Pacer{rate: float64(rate), burst: burst, reserve: burst / 2,
		chats: map[int64]time.Time{}}
}

// Rate returns the configured messages per second.
func (p *Pacer) Rate() int { return int(p.rate) }

// chatInterval is the least time between two bulk messages to a chat.
func chatInterval(chatID int64) time.Duration {
	if chatID < 0 {
		return 3 * time.Second // 20 a minute in groups
	}
	return time.Second
}

// Wait blocks until a message to chatID may be sent at priority, or ctx
// ends.
func (p *Pacer) Wait(ctx context.Context, chatID int64, prio Priority) error {
	counted := false
	defer func() {
		if counted {
			p.mu.Lock()
			p.waiting--
			p.mu.Unlock()
		}
	}()
	for {
		p.mu.Lock()
		now := time.Now()
		p.refill(now)
		var wait time.Duration
		if prio == Interactive {
			if p.tokens >= 1 {
				p.tokens--
				p.noteChat(chatID, now)
				p.mu.Unlock()
				return nil
			}
			if !counted {
				counted = true
				p.waiting++
			}
			wait = p.until(1)
		} else {
			switch {
			case now.Before(p.pausedUntil):
				wait = p.pausedUntil.Sub(now)
			case now.Before(p.chats[chatID]):
				wait = p.chats[chatID].Sub(now)
			case p.waiting > 0:
				wait = p.until(1 + p.reserve + float64(p.waiting))
			case p.tokens >= 1+p.reserve:
				p.tokens--
				p.noteChat(chatID, now)
				p.mu.Unlock()
				return nil
			default:
				wait = p.until(1 + p.reserve)
			}
		}
		p.mu.Unlock()
		if err := sleepCtx(ctx, max(wait, 100*time.Microsecond)); err != nil {
			return err
		}
	}
}

// WaitChat blocks until the per-chat limit allows a message to chatID,
// and reserves that moment; it takes no token (the send does).
func (p *Pacer) WaitChat(ctx context.Context, chatID int64) error {
	for {
		p.mu.Lock()
		now := time.Now()
		next := p.chats[chatID]
		if !now.Before(next) {
			p.noteChat(chatID, now)
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		if err := sleepCtx(ctx, next.Sub(now)); err != nil {
			return err
		}
	}
}

// Pause stops bulk traffic for d (Telegram answered 429 with retry_after).
func (p *Pacer) Pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); until.After(p.pausedUntil) {
		p.pausedUntil = until
	}
}

// refill adds the tokens earned since the last look. The caller holds mu.
func (p *Pacer) refill(now time.Time) {
	if !p.last.IsZero() {
		p.tokens = min(p.burst, p.tokens+now.Sub(p.last).Seconds()*p.rate)
	}
	p.last = now
}

// until returns how long until the bucket holds n tokens. The caller holds
// mu.
func (p *Pacer) until(n float64) time.Duration {
	n = min(n, p.burst)
	if p.tokens >= n {
		return 0
	}
	return time.Duration((n - p.tokens) / p.rate * float64(time.Second))
}

// noteChat records a message to a chat, for the per-chat limit. The caller
// holds mu.
func (p *Pacer) noteChat(chatID int64, now time.Time) {
	if chatID == 0 {
		return
	}
	if len(p.chats) > 50000 {
		for id, t := range p.chats {
			if t.Before(now) {
				delete(p.chats, id)
			}
		}
	}
	p.chats[chatID] = now.Add(chatInterval(chatID))
}
