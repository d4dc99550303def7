package meetings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var (
	dirOnce sync.Once
	dir     *directory.Directory
	dirErr  error
)

func loadDir(t *testing.T) *directory.Directory {
	t.Helper()
	dirOnce.Do(func() { dir, dirErr = directory.Load() })
	if dirErr != nil {
		t.Fatal(dirErr)
	}
	return dir
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// sent is one message or edit that reached the Telegram side.
type sent struct {
	chat  int64
	id    int
	edit  bool
	msg   handlers.Message
	toast string
}

// outbox stands in for Telegram: it records what the bot delivers.
type outbox struct {
	mu          sync.Mutex
	list        []sent
	next        int
	unreachable map[int64]bool
}

func (o *outbox) Send(_ context.Context, chat int64, m handlers.Message) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.unreachable[chat] {
		return 0, fmt.Errorf("blocked: %w", handlers.ErrUnreachable)
	}
	o.next++
	o.list = append(o.list, sent{chat: chat, id: o.next, msg: m})
	return o.next, nil
}

func (o *outbox) Edit(_ context.Context, chat int64, id int, m handlers.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, sent{chat: chat, id: id, edit: true, msg: m})
	return nil
}

func (o *outbox) to(chat int64) []sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []sent
	for _, s := range o.list {
		if s.chat == chat {
			out = append(out, s)
		}
	}
	return out
}

func (o *outbox) last(t *testing.T, chat int64) sent {
	t.Helper()
	list := o.to(chat)
	if len(list) == 0 {
		t.Fatalf("nothing was sent to %d", chat)
	}
	return list[len(list)-1]
}

// fixture is the meetings service over a real SQLite database, the
// in-process state store, the real message catalog and directory.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	st    *state.Memory
	out   *outbox
	cat   *locales.Catalog
	dir   *directory.Directory
	clock *clock
	s     *Service
	sch   *jobs.Scheduler
}

// moscow is the organisers' zone in most tests.
var moscow = mustZone("Europe/Moscow")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func newFixture(t *testing.T, now time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "meetings.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := locales.Load(quiet)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: db, out: &outbox{unreachable: map[int64]bool{}}, cat: cat, dir: loadDir(t), clock: &clock{t: now}}
	f.st = state.NewMemory(f.clock.Now)
	f.s = &Service{DB: db, Dir: f.dir, Dialogs: f.st, Out: f.out, Text: cat, Now: f.clock.Now, Log: quiet}
	f.sch = jobs.New(db, db.Leases(f.clock.Now), jobs.Options{Now: f.clock.Now, Log: quiet, Owner: "test"})
	f.s.RegisterJobs(f.sch)
	return f
}

// member creates a member who represents the municipality place names
// ("" for none).
func (f *fixture) member(id int64, name, lang, place string) store.Member {
	f.t.Helper()
	if _, _, err := f.db.TouchMember(f.ctx, store.Profile{UserID: id, FirstName: name, Language: lang}, f.clock.Now()); err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.SetRole(f.ctx, id, store.RoleMember, f.clock.Now()); err != nil {
		f.t.Fatal(err)
	}
	if place != "" {
		if err := f.db.SetMunicipality(f.ctx, id, f.place(place).ID, f.clock.Now()); err != nil {
			f.t.Fatal(err)
		}
	}
	m, err := f.db.Member(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) place(name string) directory.Place {
	f.t.Helper()
	res := f.dir.Resolve(name, 1)
	if len(res.Matches) == 0 {
		f.t.Fatalf("no place %q in the directory", name)
	}
	return res.Matches[0].Place
}

func (f *fixture) request(user int64) *handlers.Request {
	f.t.Helper()
	m, err := f.db.Member(f.ctx, user)
	if err != nil {
		f.t.Fatal(err)
	}
	r := handlers.NewRequest(f.out, f.cat)
	r.Log = quiet
	r.ChatID, r.ChatType = user, "private"
	r.User = handlers.User{ID: user, FirstName: m.FirstName, LanguageCode: m.Language}
	r.Member, r.Lang = m, m.Language
	return r
}

// say sends text from user: a command when it starts with a slash.
func (f *fixture) say(user int64, text string) error {
	f.t.Helper()
	r := f.request(user)
	r.Text = text
	h := f.s.DialogText
	if strings.HasPrefix(text, "/") {
		name, args, _ := strings.Cut(text[1:], " ")
		r.Command, r.Args = name, args
		h = map[string]handlers.HandlerFunc{
			"visit": f.s.Visit, "meetings": f.s.Meetings, "timezone": f.s.TimeZone,
			"reminders": f.s.Reminders, "digest": f.s.Digest,
		}[name]
		if h == nil {
			f.t.Fatalf("no command /%s", name)
		}
	}
	return h(f.ctx, r)
}

// press presses a button with data on message id, as user, and returns the
// toast.
func (f *fixture) press(user int64, messageID int, data callback.Data) (string, error) {
	f.t.Helper()
	// Buttons travel as text: encode and parse as Telegram would.
	wire, err := data.Encode()
	if err != nil {
		f.t.Fatalf("button data %v: %v", data, err)
	}
	parsed, err := callback.Parse(wire)
	if err != nil {
		f.t.Fatal(err)
	}
	r := f.request(user)
	r.Callback = &handlers.Callback{ID: "cb", MessageID: messageID, Data: parsed}
	h := map[string]handlers.HandlerFunc{
		FeatureVisit: f.s.VisitButton, FeatureMeeting: f.s.MeetingButton, FeatureSettings: f.s.SettingsButton,
	}[parsed.Feature]
	err = h(f.ctx, r)
	return r.ToastText(), err
}

// must fails the test on err.
func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// button finds the button whose label contains label in the last message
// to chat.
func (f *fixture) button(chat int64, label string) (int, callback.Data) {
	f.t.Helper()
	last := f.out.last(f.t, chat)
	for _, row := range last.msg.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return last.id, b.Data
			}
		}
	}
	f.t.Fatalf("no button %q in the last message to %d: %q %v", label, chat, last.msg.Text, last.msg.Buttons)
	return 0, callback.Data{}
}

// runJobs sets the clock to at and runs every job due then, through the
// real scheduler.
func (f *fixture) runJobs(at time.Time) {
	f.t.Helper()
	f.clock.Set(at)
	f.sch.RunDue(f.ctx)
}

// text renders a message for a test's expectations.
func (f *fixture) text(lang, id string, args locales.Args) string { return f.cat.Text(lang, id, args) }

// meetingOf returns the only upcoming meeting of member.
func (f *fixture) meetingOf(member int64) store.Meeting {
	f.t.Helper()
	list, err := f.db.MeetingsOf(f.ctx, member, f.clock.Now(), time.Time{}, 10)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(list) != 1 {
		f.t.Fatalf("member %d has %d upcoming meetings, want 1", member, len(list))
	}
	return list[0]
}

func (f *fixture) pending(filter store.JobFilter) []store.Job {
	f.t.Helper()
	jobs, err := f.db.FindJobs(f.ctx, filter, store.JobPending)
	if err != nil {
		f.t.Fatal(err)
	}
	return jobs
}

func isStale(err error) bool {
	return errors.Is(err, callback.ErrInvalid) || errors.Is(err, state.ErrConflict)
}
