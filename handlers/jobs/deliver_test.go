package jobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/store"
)

type refusing struct{ sent int }

func (o *refusing) Send(context.Context, int64, handlers.Message) (int, error) {
	o.sent++
	return 0, handlers.ErrUnreachable
}

func (o *refusing) Edit(context.Context, int64, int, handlers.Message) error { return nil }

func TestRecipientAndSendDropWhatCannotChange(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := jobs.Recipient(ctx, db, 1); !errors.Is(err, jobs.ErrDrop) {
		t.Fatalf("missing member: %v", err)
	}
	db.TouchMember(ctx, store.Profile{UserID: 1}, time.Now())
	m, err := jobs.Recipient(ctx, db, 1)
	if err != nil || m.UserID != 1 {
		t.Fatalf("member: %+v %v", m, err)
	}
	out := &refusing{}
	if err := jobs.Send(ctx, out, m, handlers.Message{Text: "x"}); !errors.Is(err, jobs.ErrDrop) || out.sent != 1 {
		t.Fatalf("a refused send: %v after %d sends", err, out.sent)
	}
	db.SetReachable(ctx, 1, false, time.Now())
	if _, err := jobs.Recipient(ctx, db, 1); !errors.Is(err, jobs.ErrDrop) {
		t.Fatalf("unreachable member: %v", err)
	}
}
