package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pobratim/pobratim/bot"
	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/store/state"
)

// console lets a person chat with the bot in the terminal. It serves the
// same bot as `run` — same router, handlers, state and SQLite — through the
// in-process fake Bot API server: typed lines become updates from a
// simulated user, and what the bot sends is printed. Buttons are numbered;
// typing a number presses one.
func console(ctx context.Context, cfg config, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	p, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer p.close()

	srv := telegramtest.NewServer()
	defer srv.Close()
	// In the console you are the association's admin, so that every
	// command, approvals included, can be tried.
	// One person typing (or a pasted script) needs no flood protection.
	b, err := p.newBot(bot.Options{Token: "1:console", APIURL: srv.URL(), Admins: append(cfg.Admins, consoleUserID),
		Throttle: state.Rate{Per: time.Second, Burst: 1000},
		Log:      log, ReminderLeads: cfg.Leads, BroadcastRate: cfg.BroadcastRate, BroadcastApproval: cfg.BroadcastApproval})
	if err != nil {
		return err
	}
	if err := b.Prepare(ctx); err != nil {
		return err
	}
	botCtx, stopBot := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(botCtx) }()

	you := telegramtest.User{ID: consoleUserID, FirstName: cfg.Name, LanguageCode: cfg.Language}
	feed, unsubscribe := srv.Subscribe()
	defer unsubscribe()
	screen := &screen{out: stdout, sent: make(chan struct{}, 64)}
	go func() {
		for s := range feed {
			if s.ChatID == you.ID {
				screen.show(s)
			}
		}
	}()

	fmt.Fprintf(stdout, "Pobratim console. You are %q (language %q). Type /start; numbers press buttons; Ctrl-D quits.\n\n",
		you.FirstName, you.LanguageCode)
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case line, ok := <-lines:
			if !ok {
				running = false
				break
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if msgID, data, url, ok := screen.button(line); ok {
				if url != "" {
					fmt.Fprintf(stdout, "(opens %s)\n", url)
					continue
				}
				srv.PressButton(you, msgID, data)
			} else {
				srv.SendText(you, line)
			}
			screen.settle(ctx)
		}
	}
	stopBot()
	return <-done
}

// consoleUserID is the Telegram id of the person at the console.
const consoleUserID = 1

// screen prints the bot's messages and remembers the last keyboard.
type screen struct {
	out  io.Writer
	mu   sync.Mutex
	keys []key
	sent chan struct{}
}

type key struct {
	messageID int
	data, url string
}

func (s *screen) show(m telegramtest.Sent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch m.Method {
	case "sendMessage", "editMessageText":
		if m.Method == "editMessageText" {
			fmt.Fprintln(s.out, "(edited)")
		}
		fmt.Fprintln(s.out, m.Plain)
	case "sendDocument", "sendPhoto":
		fmt.Fprintf(s.out, "[file %s, %d bytes] %s\n", m.FileName, len(m.FileData), m.Plain)
	case "sendLocation":
		fmt.Fprintf(s.out, "[map pin %.5f, %.5f]\n", m.Latitude, m.Longitude)
	default:
		return
	}
	if kb := replyKeys(m.ReplyKeyboard); kb != "" {
		fmt.Fprintln(s.out, kb)
	}
	if m.Markup != nil && len(m.Markup.InlineKeyboard) > 0 {
		s.keys = s.keys[:0]
		for _, row := range m.Markup.InlineKeyboard {
			var cells []string
			for _, b := range row {
				s.keys = append(s.keys, key{messageID: m.MessageID, data: b.CallbackData, url: b.URL})
				cells = append(cells, fmt.Sprintf("[%d] %s", len(s.keys), b.Text))
			}
			fmt.Fprintln(s.out, strings.Join(cells, "   "))
		}
	}
	fmt.Fprintln(s.out)
	select {
	case s.sent <- struct{}{}:
	default:
	}
}

// replyKeys shows a reply keyboard's buttons; they are pressed by typing
// their text (sharing a phone number cannot be done from the console).
func replyKeys(raw json.RawMessage) string {
	var kb struct {
		Keyboard [][]struct {
			Text string `json:"text"`
		} `json:"keyboard"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &kb) != nil || len(kb.Keyboard) == 0 {
		return ""
	}
	var keys []string
	for _, row := range kb.Keyboard {
		for _, k := range row {
			keys = append(keys, "«"+k.Text+"»")
		}
	}
	return "(type one of: " + strings.Join(keys, ", ") + ")"
}

// button maps a typed number to the button it names.
func (s *screen) button(line string) (messageID int, data, url string, ok bool) {
	n, err := strconv.Atoi(line)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || n < 1 || n > len(s.keys) {
		return 0, "", "", false
	}
	k := s.keys[n-1]
	return k.messageID, k.data, k.url, true
}

// settle waits for the bot's answer to what was just typed: the first
// message, then until nothing more arrives for a moment. Lines piped in
// from a file are thus answered one by one, as in a real chat.
func (s *screen) settle(ctx context.Context) {
	wait := 10 * time.Second
	for {
		select {
		case <-s.sent:
			wait = 200 * time.Millisecond
		case <-time.After(wait):
			return
		case <-ctx.Done():
			return
		}
	}
}
