package handlers

import (
	"context"
	"time"

	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// DialogTTL is how long an unfinished dialog waits for its next answer.
const DialogTTL = 30 * time.Minute

// Dialogs keeps the state of multi-step conversations, one per chat. Updates
// are compare-and-set on the dialog's version.
type Dialogs interface {
	GetDialog(ctx context.Context, chatID int64) (state.Dialog, bool, error)
	PutDialog(ctx context.Context, chatID int64, d state.Dialog, ttl time.Duration) (state.Dialog, error)
	DeleteDialog(ctx context.Context, chatID int64) error
}

// Command describes a bot command for the command menu and /help.
type Command struct {
	Name          string     // without the slash
	DescriptionID string     // locales message id of the one-line description
	Menu          bool       // shown in Telegram's command menu
	Role          store.Role // the least trusted role that may use it
}
