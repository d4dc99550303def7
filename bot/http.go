package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxWebhookBody caps an update's size; Telegram's are far smaller.
const maxWebhookBody = 1 << 20

// secretHeader is where Telegram puts the webhook secret.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Handler serves the bot's HTTP endpoints: /healthz, /metrics and, in
// webhook mode, the webhook at the path of its URL.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.serveHealth)
	mux.Handle("GET /metrics", promhttp.HandlerFor(b.metrics.registry, promhttp.HandlerOpts{}))
	if b.opts.WebhookURL != "" {
		path := "/"
		if u, err := url.Parse(b.opts.WebhookURL); err == nil && u.Path != "" {
			path = u.Path
		}
		mux.HandleFunc("POST "+path, b.serveWebhook)
	}
	return mux
}

// serveWebhook takes one update from Telegram. The library's own handler
// compares the secret with != and always answers 200; this one compares in
// constant time, refuses a wrong or missing secret with 401 without reading
// the update, and a body over 1 MiB with 413.
func (b *Bot) serveWebhook(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get(secretHeader)
	if subtle.ConstantTimeCompare([]byte(got), []byte(b.opts.WebhookSecret)) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var upd models.Update
	if err := json.Unmarshal(body, &upd); err != nil || upd.ID == 0 {
		// Telegram would resend a refused update forever; skip it.
		b.log.Warn("undecodable webhook update skipped")
		w.WriteHeader(http.StatusOK)
		return
	}
	b.lanes.dispatch(r.Context(), &upd)
	w.WriteHeader(http.StatusOK)
}

// serveHealth answers 200 when SQLite and the state store answer.
func (b *Bot) serveHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status := map[string]string{"sqlite": "ok", "state": "ok"}
	code := http.StatusOK
	if err := b.deps.DB.Ping(ctx); err != nil {
		status["sqlite"], code = "unavailable", http.StatusServiceUnavailable
	}
	if err := b.deps.State.Ping(ctx); err != nil {
		status["state"], code = "unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(status)
}

// serveHTTP runs the HTTP endpoints on the configured address until ctx
// ends; with no address it does nothing.
func (b *Bot) serveHTTP(ctx context.Context) (stop func(), err error) {
	if b.opts.Listen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", b.opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("bot: listen on %s: %w", b.opts.Listen, err)
	}
	srv := &http.Server{Handler: b.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.log.Error("http server", "err", err)
		}
	}()
	b.log.Info("serving http", "addr", ln.Addr().String())
	return func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}, nil
}

// setWebhook tells Telegram where to deliver updates.
func (b *Bot) setWebhook(ctx context.Context) error {
	_, err := b.api.SetWebhook(ctx, &tg.SetWebhookParams{
		URL: b.opts.WebhookURL, SecretToken: b.opts.WebhookSecret,
		AllowedUpdates: allowedUpdates,
	})
	if err != nil {
		return fmt.Errorf("bot: setWebhook: %w", err)
	}
	return nil
}
