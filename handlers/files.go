package handlers

import (
	"context"
	"errors"
)

// Files downloads the files people send to the bot.
type Files interface {
	// Download returns the content of the file with Telegram's fileID. A
	// file larger than max bytes is not downloaded: the error wraps
	// ErrFileTooBig.
	Download(ctx context.Context, fileID string, max int64) ([]byte, error)
}

// ErrFileTooBig is returned by Files for a file over the size allowed,
// Telegram's own 20 MB limit for bots included.
var ErrFileTooBig = errors.New("handlers: file too big")
