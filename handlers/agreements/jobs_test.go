package agreements

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

func TestDeadlineJobs(t *testing.T) {
	dir := testDir(t)
	smolensk, vitebsk := placeID(t, dir, "Smolensk"), placeID(t, dir, "Vitebsk")
	a := store.Agreement{ID: 7, Status: store.StatusInForce, Stage: store.StageAgreement, InForceOn: "2019-05-15",
		TermMonths: 60, AutoRenewal: true, NoticeMonths: 6, Parties: []int64{smolensk, vitebsk}}
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	jobs := deadlineJobs(dir, a, now)
	keys := map[string]store.Job{}
	for _, j := range jobs {
		keys[j.Key] = j
		if j.Subject != "agreement:7" {
			t.Errorf("job %s has subject %q", j.Key, j.Subject)
		}
	}
	// The renewal on 15.05.2024 is reminded 30 days before, at 9:00 in
	// each party's zone (both UTC+3).
	renewal := keys["agreement:7:renewal:2024-05-15:30:"+itoa(smolensk)]
	if renewal.Kind != KindDeadline || !renewal.DueAt.Equal(time.Date(2024, 4, 15, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("renewal reminder: %+v (keys %v)", renewal, keys)
	}
	if _, ok := keys["agreement:7:notice:2028-11-15:60:"+itoa(vitebsk)]; !ok {
		t.Fatalf("no notice reminder for Vitebsk: %v", keys)
	}
	if plan := keys["agreement:7:plan:2028-11-15"]; plan.Kind != KindPlan {
		t.Fatalf("no plan after the last deadline: %v", keys)
	}
	if len(jobs) != 2*4+1 {
		t.Fatalf("%d jobs, want 9", len(jobs))
	}

	// Written again later (an edit), the keys are the same: a reminder
	// already sent is not repeated.
	again := deadlineJobs(dir, a, now.Add(24*time.Hour))
	for _, j := range again {
		if _, ok := keys[j.Key]; !ok {
			t.Errorf("new key after a day: %s", j.Key)
		}
	}
	// With every lead passed, one late reminder goes out at once, keyed so
	// that it goes out once.
	late := deadlineJobs(dir, a, time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC))
	var found bool
	for _, j := range late {
		if strings.Contains(j.Key, ":renewal:2024-05-15:late:") {
			found = true
			if !j.DueAt.Equal(time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)) {
				t.Errorf("late reminder due %v", j.DueAt)
			}
		}
	}
	if !found {
		t.Fatalf("no late reminder: %+v", late)
	}
	a.Status = store.StatusTerminated
	if j := deadlineJobs(dir, a, now); len(j) != 0 {
		t.Fatalf("jobs for a terminated agreement: %+v", j)
	}
}

// recorder is a Sender that keeps what it was asked to send.
type recorder struct {
	mu   sync.Mutex
	sent map[int64][]handlers.Message
}

func (r *recorder) Send(_ context.Context, chatID int64, m handlers.Message) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sent == nil {
		r.sent = map[int64][]handlers.Message{}
	}
	r.sent[chatID] = append(r.sent[chatID], m)
	return len(r.sent[chatID]), nil
}

func (r *recorder) Edit(context.Context, int64, int, handlers.Message) error { return nil }

func TestRemindersReachTheMembersOfEachParty(t *testing.T) {
	ctx := context.Background()
	dir, db := testDir(t), openDB(t)
	catalog, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	smolensk, vitebsk := placeID(t, dir, "Smolensk"), placeID(t, dir, "Vitebsk")
	now := time.Date(2024, 4, 15, 6, 30, 0, 0, time.UTC)
	members := []struct {
		id   int64
		lang string
		muni int64
		role store.Role
	}{{1, "ru", smolensk, store.RoleMember}, {2, "be", vitebsk, store.RoleMember}, {3, "en", vitebsk, store.RoleNewcomer}}
	for _, m := range members {
		db.TouchMember(ctx, store.Profile{UserID: m.id, Language: m.lang}, now)
		db.SetMunicipality(ctx, m.id, m.muni, now)
		db.SetRole(ctx, m.id, m.role, now)
	}
	out := &recorder{}
	s := &Service{DB: db, Dir: dir, Out: out, Text: catalog, Now: func() time.Time { return now }}
	a, err := db.CreateAgreement(ctx, store.Agreement{Title: "Соглашение", InForceOn: "2019-05-15", TermMonths: 60,
		AutoRenewal: true, NoticeMonths: 6, Parties: []int64{smolensk, vitebsk}},
		func(a store.Agreement) []store.Job { return deadlineJobs(dir, a, now.AddDate(0, -2, 0)) }, now)
	if err != nil {
		t.Fatal(err)
	}
	// The scheduler runs the deadline jobs, which write a reminder per
	// verified member, then those.
	sch := jobs.New(db, db.Leases(s.Now), jobs.Options{Now: s.Now, Log: slog.New(slog.DiscardHandler)})
	s.Wake = sch.Wake
	s.RegisterJobs(sch)
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { defer close(ran); sch.Run(runCtx) }()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		out.mu.Lock()
		n := len(out.sent[1]) + len(out.sent[2])
		out.mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
	}
	stop()
	<-ran
	if len(out.sent[1]) != 1 || len(out.sent[2]) != 1 || len(out.sent[3]) != 0 {
		t.Fatalf("sent: %d to the Smolensk member, %d to the Vitebsk member, %d to the newcomer",
			len(out.sent[1]), len(out.sent[2]), len(out.sent[3]))
	}
	ru, be := out.sent[1][0].Text, out.sent[2][0].Text
	if !strings.Contains(ru, "15.05.2024 — соглашение автоматически продлевается") || !strings.Contains(ru, "через 30 дней") ||
		!strings.Contains(ru, "Смоленск, Витебск") {
		t.Errorf("Russian reminder: %q", ru)
	}
	if !strings.Contains(be, "пагадненне аўтаматычна падаўжаецца") || !strings.Contains(be, "Смаленск, Віцебск") {
		t.Errorf("Belarusian reminder: %q", be)
	}

	// After the agreement is terminated, a reminder still pending is dropped.
	a.Status = store.StatusTerminated
	if _, err := db.UpdateAgreement(ctx, a, 1, nil, now); err != nil {
		t.Fatal(err)
	}
	if err := s.runRemind(ctx, store.Job{Subject: store.AgreementSubject(a.ID), Recipient: 1,
		Payload: `{"municipality":` + itoa(smolensk) + `,"kind":"renewal","on":"2024-05-15","lead":30}`}); err == nil ||
		!strings.Contains(err.Error(), "no longer applies") {
		t.Fatalf("reminder of a terminated agreement: %v", err)
	}
}
