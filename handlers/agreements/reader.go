package agreements

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/handlers/agreements/summary"
)

// ErrBusy is returned by Reader.Read when every reading slot stayed taken
// for as long as a document may wait.
var ErrBusy = errors.New("agreements: too many documents being read")

// Reader turns uploaded documents into summary cards, a few at a time:
// reading a document takes up to a few seconds of CPU and some tens of
// megabytes, and the bot must keep answering everyone else meanwhile.
type Reader struct {
	limits  doctext.Limits
	wait    time.Duration
	budget  time.Duration
	slots   chan struct{}
	extract func(ctx context.Context, name string, data []byte, lim doctext.Limits) (doctext.Text, error)
	sum     func(text string, opt summary.Options) summary.Card
}

// ReaderOptions configure a Reader. Zero values take the defaults noted.
type ReaderOptions struct {
	// Concurrent is how many documents are read at once; default 2.
	Concurrent int
	// Wait is how long a document waits for a free slot; default 10 s.
	Wait time.Duration
	// Budget bounds extracting and summarising one document; default
	// doctext's own timeout plus 5 s for the summary.
	Budget time.Duration
	// Limits bound the extraction (sizes, archive entries, runes, time).
	Limits doctext.Limits
}

// NewReader returns a Reader.
func NewReader(opts ReaderOptions) *Reader {
	if opts.Concurrent <= 0 {
		opts.Concurrent = 2
	}
	if opts.Wait <= 0 {
		opts.Wait = 10 * time.Second
	}
	if opts.Limits.Timeout <= 0 {
		opts.Limits.Timeout = doctext.DefaultTimeout
	}
	if opts.Budget <= 0 {
		opts.Budget = opts.Limits.Timeout + 5*time.Second
	}
	return &Reader{limits: opts.Limits, wait: opts.Wait, budget: opts.Budget,
		slots: make(chan struct{}, opts.Concurrent), extract: doctext.Extract, sum: summary.Summarise}
}

// Reading is a document read: its text and its card.
type Reading struct {
	Text doctext.Text
	Card summary.Card
}

// Read extracts the text of a document and summarises it, in lang when the
// text has that language among others (a bilingual agreement). It waits for a
// free slot (ErrBusy after the wait), and gives up after the budget with
// doctext.ErrTimeout; the work it abandons keeps its slot until it stops,
// so that abandoned work never piles up beyond the slots. Errors from the
// extraction are doctext's sentinels.
func (rd *Reader) Read(ctx context.Context, name string, data []byte, lang string) (Reading, error) {
	wait := time.NewTimer(rd.wait)
	defer wait.Stop()
	select {
	case rd.slots <- struct{}{}:
	case <-wait.C:
		return Reading{}, ErrBusy
	case <-ctx.Done():
		return Reading{}, fmt.Errorf("%w: waiting for a slot: %v", doctext.ErrTimeout, ctx.Err())
	}
	ctx, cancel := context.WithTimeout(ctx, rd.budget)
	defer cancel()
	type result struct {
		r   Reading
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-rd.slots }()
		var res result
		defer func() {
			if p := recover(); p != nil {
				res = result{err: fmt.Errorf("%w: summary: %v", doctext.ErrCorrupt, p)}
			}
			done <- res
		}()
		res.r.Text, res.err = rd.extract(ctx, name, data, rd.limits)
		if res.err == nil && ctx.Err() == nil {
			paragraphs := res.r.Text.Format == doctext.FormatDOCX || res.r.Text.Format == doctext.FormatODT
			res.r.Card = rd.sum(res.r.Text.Body, summary.Options{Lang: lang, Paragraphs: paragraphs})
		}
	}()
	select {
	case res := <-done:
		if res.err == nil && ctx.Err() != nil {
			return Reading{}, fmt.Errorf("%w: %v", doctext.ErrTimeout, ctx.Err())
		}
		return res.r, res.err
	case <-ctx.Done():
		return Reading{}, fmt.Errorf("%w: %v", doctext.ErrTimeout, ctx.Err())
	}
}
