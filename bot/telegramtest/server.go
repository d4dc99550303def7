// Package telegramtest is a fake Telegram Bot API server for Pobratim's tests, its
// console mode and its load benchmarks.
//
// The server speaks the HTTP protocol of the real Bot API closely enough to drive the
// real go-telegram/bot client: every method is a POST to /bot<token>/<method> with a
// multipart form, nested objects arrive as JSON strings in form fields, files arrive as
// multipart file parts, and every answer is {"ok":true,"result":…} or
// {"ok":false,"error_code":…,"description":…}.
//
// A test injects what people do (SendText, PressButton, SendDocument, …), lets the bot
// poll for it, and then inspects what the bot sent (Sent, WaitFor, Message, …). Faults
// are injected with FailNext, Block, SetOutage and WithRateLimits.
//
// The server checks what the real one checks where a bot is likely to get it wrong:
// HTML markup in parse_mode HTML, text and caption lengths, inline keyboard buttons and
// their callback_data, edits that change nothing, answers to unknown callback queries,
// command lists. Markdown parse modes are accepted but not validated.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// ErrClosed is returned by the waiting methods when the server is closed before the
// awaited condition holds.
var ErrClosed = errors.New("telegramtest: server closed")

// Option configures a Server created by NewServer.
type Option func(*Server)

// WithBotUser sets the bot account getMe answers with and every sent message is from.
func WithBotUser(u models.User) Option {
	return func(s *Server) { s.bot = u }
}

// WithRateLimits makes the server enforce Telegram's flood limits on the methods that
// send or edit messages: 30 messages a second overall, one a second in a private chat
// (a positive chat id) and 20 a minute in a group (a negative chat id). A call over a
// limit is answered with error 429, "Too Many Requests: retry after N" and
// parameters.retry_after N (whole seconds, at least 1), and is counted by
// TooManyRequests.
func WithRateLimits() Option {
	return func(s *Server) { s.limits = newRateLimiter() }
}

// WithClock replaces the clock the server reads message dates, Sent.At and the rate
// limits from, so tests can move time without waiting. Long polling timeouts and
// outages still run on real time.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// Server is a fake Telegram Bot API server listening on a random port of 127.0.0.1.
// All of its methods are safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	bot       models.User
	now       func() time.Time
	closed    chan struct{}
	closeOnce sync.Once

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change of state, see notify
	arrived chan struct{} // closed and replaced when an update is queued
	limits  *rateLimiter
	tokens  []string
	calls   map[string]int // by lower-case method name
	fail    map[string][]*failure
	tooMany int
	outage  outage

	// Updates waiting for the bot, see updates.go.
	nextUpdateID int64
	seen         int64 // the highest update_id delivered or confirmed
	queue        []*queuedUpdate
	allowed      []string
	poll         *poller
	pollers      int
	nextQueryID  int64
	queries      map[string]bool // callback query id → answered

	// What the bot did, see methods.go.
	chats    map[int64]*chatState
	users    map[int64]User
	blocked  map[int64]bool
	sent     []Sent
	subs     map[*subscriber]struct{}
	answers  []CallbackAnswer
	actions  map[int64][]string
	commands map[commandKey][]models.BotCommand
	webhook  webhookState
	files    map[string]*storedFile // by file_id
	paths    map[string]*storedFile // by file_path
	nextFile int
}

// NewServer starts a fake Bot API server. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		bot: models.User{
			ID:        1000,
			IsBot:     true,
			FirstName: "Pobratim",
			Username:  "pobratim_test_bot",
		},
		now:          time.Now,
		closed:       make(chan struct{}),
		changed:      make(chan struct{}),
		arrived:      make(chan struct{}),
		calls:        map[string]int{},
		fail:         map[string][]*failure{},
		nextUpdateID: 1,
		queries:      map[string]bool{},
		chats:        map[int64]*chatState{},
		users:        map[int64]User{},
		blocked:      map[int64]bool{},
		subs:         map[*subscriber]struct{}{},
		actions:      map[int64][]string{},
		commands:     map[commandKey][]models.BotCommand{},
		files:        map[string]*storedFile{},
		paths:        map[string]*storedFile{},
	}
	for _, o := range opts {
		o(s)
	}
	// httptest listens on 127.0.0.1 with a random port.
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the base URL of the server, for tg.WithServerURL.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server. Long polls and requests held by an outage are answered at
// once, so Close does not wait for a poller's timeout. Close may be called more than
// once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		close(s.closed)
		for sub := range s.subs {
			sub.drain()
		}
		s.notify()
		s.mu.Unlock()
		s.srv.Close()
	})
}

// Bot returns the bot account the server plays.
func (s *Server) Bot() models.User { return s.bot }

// Tokens returns the distinct bot tokens the server has been called with, in the order
// they were first seen.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// Calls returns how many requests for the method the server has received, however
// they were answered. Method names are compared case-insensitively, as Telegram does.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(method)]
}

// TooManyRequests returns how many calls were answered with error 429, injected by
// FailNext or enforced by WithRateLimits.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// WaitUntil blocks until cond returns true, the context ends or the server is closed.
// cond is evaluated at once and then after every change of the server's state (a
// request handled, an update injected); it may call the server's methods.
func (s *Server) WaitUntil(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("telegramtest: condition not met: %w", ctx.Err())
		case <-s.closed:
			if cond() {
				return nil
			}
			return ErrClosed
		case <-ch:
		}
	}
}

// notify wakes everything waiting for a change of state. The caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// failure is an error answer queued by FailNext.
type failure struct {
	left       int
	code       int
	desc       string
	retryAfter int
}

// FailNext makes the next n calls of method answer with the error code and
// description, and with parameters.retry_after when retryAfter is positive. An empty
// description is filled in the way Telegram words that code, e.g. "Forbidden: bot was
// blocked by the user" for 403 and "Too Many Requests: retry after N" for 429. Calls
// to FailNext for one method queue up in order. Failed calls change nothing else.
func (s *Server) FailNext(method string, n int, code int, description string, retryAfter int) {
	if n <= 0 {
		return
	}
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	key := strings.ToLower(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[key] = append(s.fail[key], &failure{left: n, code: code, desc: description, retryAfter: retryAfter})
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", max(retryAfter, 1))
	case http.StatusInternalServerError:
		return "Internal Server Error"
	case http.StatusBadGateway:
		return "Bad Gateway"
	}
	return http.StatusText(code)
}

// takeFailure pops the next queued failure for the method. The caller holds s.mu.
func (s *Server) takeFailure(key string) *apiError {
	q := s.fail[key]
	if len(q) == 0 {
		return nil
	}
	f := q[0]
	f.left--
	if f.left == 0 {
		q = q[1:]
		if len(q) == 0 {
			delete(s.fail, key)
		} else {
			s.fail[key] = q
		}
	}
	return &apiError{code: f.code, desc: f.desc, retryAfter: f.retryAfter}
}

// OutageMode says how the server misbehaves during an outage set by SetOutage.
type OutageMode int

const (
	// OutageBadGateway answers every request with HTTP 502 and an HTML body, as a
	// proxy in front of a failing server does; the client cannot decode it.
	OutageBadGateway OutageMode = iota + 1
	// OutageHang holds every request until its context ends or the outage is over,
	// whichever is first; a request still waiting when the outage ends is then served
	// normally.
	OutageHang
	// OutageDrop closes the connection without an answer.
	OutageDrop
)

type outage struct {
	mode  OutageMode
	until time.Time
	over  chan struct{} // closed when this outage is replaced or cleared
}

// SetOutage makes the whole server, file downloads included, misbehave in the given
// way for the duration d of real time. A new call replaces the current outage; a
// duration of zero or less ends it at once, releasing held requests.
func (s *Server) SetOutage(d time.Duration, mode OutageMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.outage.over != nil {
		close(s.outage.over)
	}
	s.outage = outage{}
	if d > 0 && mode != 0 {
		s.outage = outage{mode: mode, until: time.Now().Add(d), over: make(chan struct{})}
	}
}

// suffer applies the current outage to a request and reports whether the request was
// answered by it.
func (s *Server) suffer(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	o := s.outage
	s.mu.Unlock()
	left := time.Until(o.until)
	if o.mode == 0 || left <= 0 {
		return false
	}
	switch o.mode {
	case OutageBadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")
		return true
	case OutageDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case OutageHang:
		t := time.NewTimer(left)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true
		case <-s.closed:
			return true
		case <-o.over:
		case <-t.C:
		}
	}
	return false
}

// apiError is an error answer of the Bot API.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

type responseParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

type apiResponse struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error: ` + strings.ReplaceAll(err.Error(), `"`, `'`) + `"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	resp := apiResponse{ErrorCode: e.code, Description: e.desc}
	if e.retryAfter > 0 {
		resp.Parameters = &responseParameters{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, resp)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/file/bot"):
		s.serveFile(w, r, strings.TrimPrefix(path, "/file/bot"))
	case strings.HasPrefix(path, "/bot"):
		s.serveMethod(w, r, strings.TrimPrefix(path, "/bot"))
	default:
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
	}
}

func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request, rest string) {
	token, method, ok := strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/")
	if !ok || token == "" || method == "" || strings.Contains(method, "/") {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	key := strings.ToLower(method)

	s.mu.Lock()
	s.calls[key]++
	s.seeToken(token)
	s.mu.Unlock()

	if s.suffer(w, r) {
		return
	}

	req, perr := parseRequest(r)
	if perr != nil {
		s.mu.Lock()
		s.notify()
		s.mu.Unlock()
		writeError(w, perr)
		return
	}
	req.token = token

	m, known := methodTable[key]

	s.mu.Lock()
	if e := s.takeFailure(key); e != nil {
		if e.code == http.StatusTooManyRequests {
			s.tooMany++
		}
		s.notify()
		s.mu.Unlock()
		writeError(w, e)
		return
	}
	if !known {
		s.notify()
		s.mu.Unlock()
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found: method not found"})
		return
	}
	if m.long != nil {
		s.mu.Unlock()
		result, e := m.long(s, r.Context(), req)
		s.mu.Lock()
		s.notify()
		s.mu.Unlock()
		if e != nil {
			writeError(w, e)
			return
		}
		writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: result})
		return
	}
	result, e := m.fn(s, req)
	if e != nil && e.code == http.StatusTooManyRequests {
		s.tooMany++
	}
	s.notify()
	s.mu.Unlock()
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: result})
}

// seeToken records a token. The caller holds s.mu.
func (s *Server) seeToken(token string) {
	for _, t := range s.tokens {
		if t == token {
			return
		}
	}
	s.tokens = append(s.tokens, token)
}
