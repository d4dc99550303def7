package agreements

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/agreements/doctext"
	"github.com/pobratim/pobratim/handlers/agreements/summary"
)

// blockingReader returns a Reader whose extraction waits for release (or
// for its context, when honour is set) and reports that it started.
func blockingReader(opts ReaderOptions, honour bool) (rd *Reader, started chan struct{}, release chan struct{}) {
	rd = NewReader(opts)
	started, release = make(chan struct{}, 8), make(chan struct{})
	rd.extract = func(ctx context.Context, name string, data []byte, lim doctext.Limits) (doctext.Text, error) {
		started <- struct{}{}
		if honour {
			select {
			case <-release:
			case <-ctx.Done():
				return doctext.Text{}, doctext.ErrTimeout
			}
		} else {
			<-release // a parser that ignores its context
		}
		return doctext.Text{Body: "СОГЛАШЕНИЕ"}, nil
	}
	return rd, started, release
}

func TestReaderWaitsForASlotThenGivesUp(t *testing.T) {
	rd, started, release := blockingReader(ReaderOptions{Concurrent: 1, Wait: 50 * time.Millisecond}, true)
	done := make(chan error, 1)
	go func() {
		_, err := rd.Read(context.Background(), "a.txt", []byte("x"), "ru")
		done <- err
	}()
	<-started
	if _, err := rd.Read(context.Background(), "b.txt", []byte("x"), "ru"); !errors.Is(err, ErrBusy) {
		t.Fatalf("second read while the only slot is taken: %v, want ErrBusy", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("first read: %v", err)
	}
	if _, err := rd.Read(context.Background(), "c.txt", []byte("x"), "ru"); err != nil {
		t.Fatalf("read after the slot was freed: %v", err)
	}
}

func TestReaderBudgetAndAbandonedWorkKeepsItsSlot(t *testing.T) {
	rd, started, release := blockingReader(ReaderOptions{Concurrent: 1, Wait: 20 * time.Millisecond, Budget: 50 * time.Millisecond}, false)
	begin := time.Now()
	_, err := rd.Read(context.Background(), "stuck.pdf", []byte("x"), "ru")
	if !errors.Is(err, doctext.ErrTimeout) {
		t.Fatalf("read over budget: %v, want ErrTimeout", err)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Fatalf("read over budget returned after %v", d)
	}
	<-started
	// The stuck parser still runs and holds the slot: nothing piles up.
	if _, err := rd.Read(context.Background(), "next.pdf", []byte("x"), "ru"); !errors.Is(err, ErrBusy) {
		t.Fatalf("read while abandoned work holds the slot: %v, want ErrBusy", err)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := rd.Read(context.Background(), "later.pdf", []byte("x"), "ru")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slot was not freed: %v", err)
		}
	}
}

func TestReaderTurnsASummaryPanicIntoCorrupt(t *testing.T) {
	rd := NewReader(ReaderOptions{Concurrent: 1, Wait: 20 * time.Millisecond})
	rd.sum = func(string, summary.Options) summary.Card { panic("boom") }
	if _, err := rd.Read(context.Background(), "a.txt", []byte("СОГЛАШЕНИЕ о сотрудничестве"), "ru"); !errors.Is(err, doctext.ErrCorrupt) {
		t.Fatalf("panic in the summary: %v, want ErrCorrupt", err)
	}
	if _, err := rd.Read(context.Background(), "a.txt", []byte("СОГЛАШЕНИЕ о сотрудничестве"), "ru"); !errors.Is(err, doctext.ErrCorrupt) {
		t.Fatalf("the slot was lost after a panic: %v", err)
	}
}

func TestEveryReadErrorHasItsOwnAnswer(t *testing.T) {
	seen := map[string]error{}
	for _, err := range []error{ErrBusy, doctext.ErrEmpty, doctext.ErrTooLarge, doctext.ErrImage, doctext.ErrWrongExtension,
		doctext.ErrUnsupported, doctext.ErrEncrypted, doctext.ErrNoTextLayer, doctext.ErrZipBomb, doctext.ErrTimeout, doctext.ErrCorrupt} {
		id := readErrorID(fmt.Errorf("wrapped: %w", err))
		if prev, dup := seen[id]; dup {
			t.Errorf("%v and %v share the answer %s", prev, err, id)
		}
		seen[id] = err
	}
	if id := readErrorID(context.DeadlineExceeded); id != "agreements.upload.timeout" {
		t.Errorf("deadline exceeded → %s", id)
	}
}
