package jobs

import (
	"context"
	"errors"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/store"
)

// Members finds the member a job is for.
type Members interface {
	Member(ctx context.Context, userID int64) (store.Member, error)
}

// Recipient loads the member a job is for. A member who has left (or was
// forgotten) or has blocked the bot drops the job: neither will change by
// trying again.
func Recipient(ctx context.Context, db Members, userID int64) (store.Member, error) {
	m, err := db.Member(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Member{}, Drop("member gone")
	}
	if err != nil {
		return store.Member{}, err
	}
	if !m.Reachable {
		return store.Member{}, Drop("member unreachable")
	}
	return m, nil
}

// Send delivers a job's message to a member. A chat Telegram refuses to
// deliver to drops the job; other errors leave it to be tried again.
func Send(ctx context.Context, out handlers.Sender, to store.Member, m handlers.Message) error {
	if !to.Reachable {
		return Drop("member unreachable")
	}
	_, err := out.Send(ctx, to.UserID, m)
	if errors.Is(err, handlers.ErrUnreachable) {
		return Drop("member unreachable")
	}
	return err
}
