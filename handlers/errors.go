package handlers

import (
	"context"
	"errors"

	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/store/state"
)

// ErrForbidden is returned by a handler when the member's role does not allow
// what they asked for.
var ErrForbidden = errors.New("handlers: not allowed for this role")

// ErrUnreachable is returned by a Sender when Telegram refuses to deliver
// to a chat (the user blocked the bot or deleted their account).
var ErrUnreachable = errors.New("handlers: chat unreachable")

// ErrorReply answers a failed Request: known errors get their own localized
// text, everything else is logged and answered with a generic apology. A user
// never sees err.Error().
func ErrorReply(ctx context.Context, r *Request, err error) {
	id := "error.internal"
	switch {
	case errors.Is(err, ErrUnreachable):
		r.Log.Info("chat unreachable, no reply", "err", err)
		return
	case errors.Is(err, state.ErrUnavailable):
		id = "error.state_unavailable"
		r.Log.Warn("state store unavailable", "err", err)
	case errors.Is(err, callback.ErrInvalid), errors.Is(err, state.ErrConflict):
		id = "error.stale_button"
	case errors.Is(err, ErrForbidden) && !r.Member.Verified():
		id = "error.not_verified"
	case errors.Is(err, ErrForbidden):
		id = "error.forbidden"
	case errors.Is(err, context.DeadlineExceeded):
		id = "error.timeout"
		r.Log.Error("handler timed out", "err", err)
	default:
		r.Log.Error("handler failed", "err", err)
	}
	if r.Callback != nil {
		r.Toast(r.T(id, nil))
	}
	if _, sendErr := r.Reply(context.WithoutCancel(ctx), Message{Text: r.T(id, nil)}); sendErr != nil {
		r.Log.Error("could not send error reply", "err", sendErr)
	}
}
