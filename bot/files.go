package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/pobratim/pobratim/handlers"
)

// Files downloads the files people send: getFile tells where Telegram
// keeps a file, then a GET on the Bot API's file endpoint fetches it.
type Files struct {
	api    *tg.Bot
	client *http.Client // nil: one with a two-minute timeout
}

var defaultFileClient = &http.Client{Timeout: 2 * time.Minute}

// Download returns the content of the file with Telegram's fileID, if it
// is at most max bytes; a larger one is handlers.ErrFileTooBig, whether
// Telegram says so (it serves bots files up to 20 MB) or the size does.
// Errors never carry the download URL, which holds the bot's token.
func (f *Files) Download(ctx context.Context, fileID string, max int64) ([]byte, error) {
	file, err := f.api.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "file is too big") {
			return nil, fmt.Errorf("bot: get file: %w", handlers.ErrFileTooBig)
		}
		return nil, fmt.Errorf("bot: get file: %w", err)
	}
	if file.FileSize > max {
		return nil, fmt.Errorf("bot: get file: %d bytes: %w", file.FileSize, handlers.ErrFileTooBig)
	}
	if file.FilePath == "" {
		return nil, errors.New("bot: get file: Telegram gave no file path")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.api.FileDownloadLink(file), nil)
	if err != nil {
		return nil, errors.New("bot: download file: cannot build the request")
	}
	client := f.client
	if client == nil {
		client = defaultFileClient
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the token
		}
		return nil, fmt.Errorf("bot: download file: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bot: download file: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > max {
		return nil, fmt.Errorf("bot: download file: %d bytes: %w", resp.ContentLength, handlers.ErrFileTooBig)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("bot: download file: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("bot: download file: over %d bytes: %w", max, handlers.ErrFileTooBig)
	}
	return data, nil
}
