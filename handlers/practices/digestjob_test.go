package practices

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/broadcasts"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/store"
)

func TestDigestJobMonths(t *testing.T) {
	for _, tc := range []struct {
		at       time.Time
		key, due string
	}{
		{time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), "practices.digest:2026-03", "2026-04-01T07:00:00Z"},
		// 1 April 00:30 in Moscow and Minsk: April's digest, sent in May.
		{time.Date(2026, 3, 31, 21, 30, 0, 0, time.UTC), "practices.digest:2026-04", "2026-05-01T07:00:00Z"},
		{time.Date(2026, 12, 31, 20, 59, 0, 0, time.UTC), "practices.digest:2026-12", "2027-01-01T07:00:00Z"},
	} {
		j := DigestJob(tc.at)
		if j.Kind != KindDigest || j.Key != tc.key || j.DueAt.Format(time.RFC3339) != tc.due {
			t.Errorf("DigestJob(%s) = %s due %s, want %s due %s", tc.at, j.Key, j.DueAt.Format(time.RFC3339), tc.key, tc.due)
		}
	}
}

// digestClock is the scheduler's and the service's time in a test.
type digestClock struct{ t time.Time }

func (c *digestClock) now() time.Time { return c.t }

// digestInstance is one running bot as far as the digest is concerned: its
// own service and scheduler over the shared database.
func digestInstance(f *fixture, clk *digestClock, owner string) (*Service, *jobs.Scheduler) {
	s := &Service{DB: f.db, Dir: f.dir, Dialogs: f.s.Dialogs, Now: clk.now, Text: f.cat, Log: quiet}
	sch := jobs.New(f.db, f.db.Leases(clk.now), jobs.Options{Now: clk.now, Owner: owner, Log: quiet})
	s.RegisterJobs(sch)
	return s, sch
}

func digestBroadcasts(t *testing.T, f *fixture) []store.Broadcast {
	t.Helper()
	list, err := f.db.BroadcastsIn(f.ctx, store.BroadcastQueued, store.BroadcastDone)
	must(t, err)
	return list
}

func pendingDigestJobs(t *testing.T, f *fixture) []store.Job {
	t.Helper()
	list, err := f.db.FindJobs(f.ctx, store.JobFilter{Kinds: []string{KindDigest}}, store.JobPending)
	must(t, err)
	return list
}

func TestDigestQueuedOncePerMonthAcrossRestarts(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "be", store.RoleMember, "")
	f.member(11, "Smolensk", "ru", store.RoleMember, "")
	f.member(12, "Smolensk", "ru", store.RoleNewcomer, "") // not verified
	coordinator := f.member(13, "Minsk", "en", store.RoleCoordinator, "")
	optedOut := f.member(14, "Smolensk", "ru", store.RoleMember, "")
	blocked := f.member(15, "Smolensk", "ru", store.RoleMember, "")
	must(t, f.db.SetPracticeDigest(f.ctx, optedOut.UserID, false, f.now))
	must(t, f.db.SetReachable(f.ctx, blocked.UserID, false, f.now))

	clk := &digestClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	f.now = clk.t
	f.s.Now = clk.now
	p := f.publish(author, "Vitebsk", store.Practice{Title: "Маршрут <Шагала>", Areas: []string{"tourism"}, Result: "+40%"})
	// Recommending it writes the job of March's digest.
	_, err := f.press(coordinator, 1, callback.New(FeaturePractice, "rec", id(p.ID)))
	must(t, err)
	if js := pendingDigestJobs(t, f); len(js) != 1 || js[0].Key != "practices.digest:2026-03" ||
		!js[0].DueAt.Equal(time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("after recommending: %+v", js)
	}

	_, sch := digestInstance(f, clk, "first")
	clk.t = time.Date(2026, 4, 1, 6, 59, 0, 0, time.UTC) // 09:59 in Moscow
	sch.RunDue(f.ctx)
	if got := digestBroadcasts(t, f); len(got) != 0 {
		t.Fatalf("queued before its time: %+v", got)
	}
	clk.t = time.Date(2026, 4, 1, 7, 0, 5, 0, time.UTC)
	sch.RunDue(f.ctx)
	got := digestBroadcasts(t, f)
	if len(got) != 1 {
		t.Fatalf("%d digests queued, want 1", len(got))
	}
	rows, err := f.db.OutboxReport(f.ctx, got[0].ID)
	must(t, err)
	to := map[int64]string{}
	for _, r := range rows {
		to[r.RecipientID] = r.Language
	}
	if want := map[int64]string{10: "be", 11: "ru", 13: "en"}; !maps.Equal(to, want) {
		t.Fatalf("recipients %v, want %v (no newcomer, opted-out or unreachable member)", to, want)
	}
	// Each reads it in their language, with the buttons the digest has.
	be := broadcasts.Render(f.cat, "be", got[0])
	if !strings.Contains(be.Text, "сакавік 2026") || !strings.Contains(be.Text, "Маршрут &lt;Шагала&gt;") {
		t.Fatalf("Belarusian copy: %q", be.Text)
	}
	if en := broadcasts.Render(f.cat, "en", got[0]); !strings.Contains(en.Text, "March 2026") {
		t.Fatalf("English copy: %q", en.Text)
	}
	last := be.Buttons[len(be.Buttons)-1][0].Data
	if last.Feature != FeaturePractice || last.Action != "digest" || last.Arg(0) != "off" {
		t.Fatalf("no opt-out button: %+v", be.Buttons)
	}

	// A restart, another instance, the same job run again after a crash
	// before it was recorded: still one digest, and one next job.
	s2, sch2 := digestInstance(f, clk, "second")
	clk.t = time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	sch2.RunDue(f.ctx)
	done, err := f.db.FindJobs(f.ctx, store.JobFilter{Kinds: []string{KindDigest}}, store.JobDone)
	must(t, err)
	if len(done) != 1 {
		t.Fatalf("done digest jobs %+v", done)
	}
	must(t, s2.runDigest(f.ctx, done[0]))
	clk.t = time.Date(2026, 4, 20, 8, 0, 0, 0, time.UTC)
	sch2.RunDue(f.ctx)
	if got := digestBroadcasts(t, f); len(got) != 1 {
		t.Fatalf("%d digests after the restart, want 1", len(got))
	}
	if js := pendingDigestJobs(t, f); len(js) != 1 || js[0].Key != "practices.digest:2026-04" ||
		!js[0].DueAt.Equal(time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("next month's job: %+v", js)
	}

	// Nothing recommended in April: May's run queues nothing and plans June.
	clk.t = time.Date(2026, 5, 1, 7, 1, 0, 0, time.UTC)
	sch2.RunDue(f.ctx)
	if got := digestBroadcasts(t, f); len(got) != 1 {
		t.Fatalf("%d digests after an empty month, want 1", len(got))
	}
	if js := pendingDigestJobs(t, f); len(js) != 1 || js[0].Key != "practices.digest:2026-05" {
		t.Fatalf("after an empty month: %+v", js)
	}
}

func TestDigestNotQueuedWithoutRecommendations(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "ru", store.RoleMember, "")
	f.member(11, "Smolensk", "ru", store.RoleMember, "")
	clk := &digestClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	f.now = clk.t
	// Published, and recommended only in April: not March's news.
	p := f.publish(author, "Vitebsk", store.Practice{Title: "T", Areas: []string{"tourism"}, Result: "r"})
	f.publish(author, "Vitebsk", store.Practice{Title: "U", Areas: []string{"urban"}, Result: "r"})
	_, err := f.db.RecommendPractice(f.ctx, p.ID, 1, true, time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC))
	must(t, err)
	_, err = f.db.AddJobs(f.ctx, []store.Job{DigestJob(clk.t)}, clk.t)
	must(t, err)

	s, sch := digestInstance(f, clk, "only")
	woken := 0
	s.WakeOutbox = func() { woken++ }
	clk.t = time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
	sch.RunDue(f.ctx)
	if got := digestBroadcasts(t, f); len(got) != 0 || woken != 0 {
		t.Fatalf("queued %+v (outbox woken %d times) for a month without recommendations", got, woken)
	}
	js := pendingDigestJobs(t, f)
	if len(js) != 1 || js[0].Key != "practices.digest:2026-04" {
		t.Fatalf("next job %+v", js)
	}
	// Everyone turned it off: nothing queued either, and the months go on.
	must(t, f.db.SetPracticeDigest(f.ctx, 10, false, clk.t))
	must(t, f.db.SetPracticeDigest(f.ctx, 11, false, clk.t))
	clk.t = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	sch.RunDue(f.ctx)
	if got := digestBroadcasts(t, f); len(got) != 0 {
		t.Fatalf("queued %+v with nobody to send to", got)
	}
	if js := pendingDigestJobs(t, f); len(js) != 1 || js[0].Key != "practices.digest:2026-05" {
		t.Fatalf("next job %+v", js)
	}
}
