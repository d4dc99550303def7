package practices

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var loadDirectory = sync.OnceValues(directory.Load)

func testDirectory(t testing.TB) *directory.Directory {
	t.Helper()
	d, err := loadDirectory()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var loadCatalog = sync.OnceValues(func() (*locales.Catalog, error) { return locales.Load(quiet) })

func redisURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

var prefixSeq atomic.Int64

// openRedis opens the state store on the real Redis under a prefix of the
// test's own, removed afterwards.
func openRedis(t *testing.T) *state.Redis {
	t.Helper()
	prefix := fmt.Sprintf("pobratim-test:practices:%s:%d:%d:", t.Name(), time.Now().UnixNano(), prefixSeq.Add(1))
	st, err := state.OpenRedis(redisURL(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(context.Background()); err != nil {
		t.Fatalf("Redis must answer at %s for these tests: %v", redisURL(), err)
	}
	t.Cleanup(func() {
		st.Close()
		opt, _ := redis.ParseURL(redisURL())
		c := redis.NewClient(opt)
		defer c.Close()
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return st
}

// sent is one message or edit that reached the Telegram side.
type sent struct {
	chat int64
	id   int
	edit bool
	msg  handlers.Message
}

// outbox stands in for Telegram: it records what the bot delivers.
type outbox struct {
	mu   sync.Mutex
	list []sent
	next int
}

func (o *outbox) Send(_ context.Context, chat int64, m handlers.Message) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
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

// fixture is the practices service over a real SQLite database, the real
// Redis state store, the real message catalog and directory.
type fixture struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	out *outbox
	cat *locales.Catalog
	dir *directory.Directory
	now time.Time
	s   *Service
}

var fixtureT0 = time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "pobratim.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: db, out: &outbox{}, cat: cat, dir: testDirectory(t), now: fixtureT0}
	f.s = &Service{DB: db, Dir: f.dir, Dialogs: openRedis(t), Now: func() time.Time { return f.now }}
	return f
}

// place returns the directory id of a well-known place.
func (f *fixture) place(name string) int64 {
	f.t.Helper()
	res := f.dir.Resolve(name, 1)
	if len(res.Matches) == 0 {
		f.t.Fatalf("directory has no %q", name)
	}
	return res.Matches[0].Place.ID
}

// member makes a verified member of a municipality through the join
// request an admin approves, with the given role.
func (f *fixture) member(userID int64, place, lang string, role store.Role, position string) store.Member {
	f.t.Helper()
	if _, _, err := f.db.TouchMember(f.ctx, store.Profile{UserID: userID, FirstName: fmt.Sprintf("User%d", userID),
		Username: fmt.Sprintf("user%d", userID), Language: lang}, f.now); err != nil {
		f.t.Fatal(err)
	}
	if role != store.RoleNewcomer {
		j, err := f.db.CreateJoinRequest(f.ctx, userID, f.place(place), position, "+375 29 000 00 00", f.now)
		if err != nil {
			f.t.Fatal(err)
		}
		if _, err := f.db.DecideJoinRequest(f.ctx, j.ID, 1, true, f.now); err != nil {
			f.t.Fatal(err)
		}
		if err := f.db.SetRole(f.ctx, userID, role, f.now); err != nil {
			f.t.Fatal(err)
		}
	}
	m, err := f.db.Member(f.ctx, userID)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) request(m store.Member) *handlers.Request {
	r := handlers.NewRequest(f.out, f.cat)
	r.Log = quiet
	r.ChatID, r.ChatType = m.UserID, "private"
	r.User = handlers.User{ID: m.UserID, FirstName: m.FirstName, LastName: m.LastName, Username: m.Username, LanguageCode: m.Language}
	fresh, err := f.db.Member(f.ctx, m.UserID)
	if err != nil {
		f.t.Fatal(err)
	}
	r.Member, r.Lang = fresh, langOf(fresh)
	return r
}

// command runs a command as the member would send it.
func (f *fixture) command(m store.Member, name, args string) error {
	r := f.request(m)
	r.Command, r.Args, r.Text = name, args, "/"+name+" "+args
	switch name {
	case "practice":
		return f.s.Practice(f.ctx, r)
	case "practices":
		return f.s.Practices(f.ctx, r)
	}
	f.t.Fatalf("no command %s", name)
	return nil
}

// say sends plain text (or a file) to the member's active dialog.
func (f *fixture) say(m store.Member, text string, edit func(r *handlers.Request)) error {
	r := f.request(m)
	r.Text = text
	if edit != nil {
		edit(r)
	}
	d, active, err := f.s.Dialogs.GetDialog(f.ctx, r.ChatID)
	if err != nil {
		return err
	}
	if !active {
		f.t.Fatalf("no dialog active for %d", m.UserID)
	}
	switch d.Flow {
	case FlowNew:
		return f.s.NewStep(f.ctx, r)
	case FlowEdit:
		return f.s.EditStep(f.ctx, r)
	}
	f.t.Fatalf("unknown flow %q", d.Flow)
	return nil
}

// press presses a button of a message.
func (f *fixture) press(m store.Member, messageID int, d callback.Data) (*handlers.Request, error) {
	f.t.Helper()
	wire, err := d.Encode()
	if err != nil {
		f.t.Fatalf("button data %v: %v", d, err)
	}
	back, err := callback.Parse(wire)
	if err != nil {
		f.t.Fatal(err)
	}
	r := f.request(m)
	r.Callback = &handlers.Callback{ID: "cb", MessageID: messageID, Data: back}
	switch back.Feature {
	case FeaturePractice:
		return r, f.s.PracticeButton(f.ctx, r)
	case FeatureList:
		return r, f.s.ListButton(f.ctx, r)
	}
	f.t.Fatalf("no route for %s", wire)
	return nil, nil
}

// button finds the button whose label contains label in a message.
func (f *fixture) button(s sent, label string) callback.Data {
	f.t.Helper()
	for _, row := range s.msg.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.Data
			}
		}
	}
	f.t.Fatalf("no button %q in %q", label, buttonLabels(s.msg))
	return callback.Data{}
}

func buttonLabels(m handlers.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

func (f *fixture) text(lang, id string, args locales.Args) string { return f.cat.Text(lang, id, args) }

// publish stores a practice the way the dialog does, with its terms.
func (f *fixture) publish(author store.Member, place string, p store.Practice) store.Practice {
	f.t.Helper()
	pl, ok := f.dir.ByID(f.place(place))
	if !ok {
		f.t.Fatalf("no place %s", place)
	}
	region, _ := f.dir.Region(pl.RegionCode)
	p.MunicipalityID, p.Country, p.RegionCode, p.Population, p.AuthorID = pl.ID, pl.Country, pl.RegionCode, pl.Population, author.UserID
	if p.Lang == "" {
		p.Lang = "ru"
	}
	p.Terms = practiceTerms(p, pl, region)
	got, err := f.db.CreatePractice(f.ctx, p, f.now)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}
