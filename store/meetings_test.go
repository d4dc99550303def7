package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pobratim/pobratim/store"
)

func addMembers(t *testing.T, db *store.DB, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		if _, _, err := db.TouchMember(context.Background(), store.Profile{UserID: id, FirstName: fmt.Sprint("M", id), Language: "ru"}, t0); err != nil {
			t.Fatal(err)
		}
	}
}

func remindJobs(m store.Meeting, members ...int64) []store.Job {
	var out []store.Job
	for _, id := range members {
		out = append(out, store.Job{Kind: "remind", Key: fmt.Sprintf("rem:%d:%d:%d", m.ID, m.Revision, id),
			Subject: fmt.Sprint("meeting:", m.ID), Recipient: id, DueAt: m.StartsAt.Add(-time.Hour)})
	}
	return out
}

func TestCreateMeetingWithJobsInOneTransaction(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	addMembers(t, db, 1, 2, 3)
	start := t0.Add(48 * time.Hour)
	m, err := db.CreateMeeting(ctx, store.Meeting{AuthorID: 2, MunicipalityID: 620127, StartsAt: start,
		TimeZone: "Europe/Minsk", Venue: "Town hall", Topic: "tourism"}, []int64{3, 1, 3},
		func(m store.Meeting) []store.Job { return remindJobs(m, 1, 2, 3) }, t0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Meeting(ctx, m.ID)
	if err != nil || !got.StartsAt.Equal(start) || got.Revision != 1 || got.Status != store.MeetingPlanned || got.Venue != "Town hall" {
		t.Fatalf("stored meeting = %+v, %v", got, err)
	}
	parts, err := db.Participants(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, p := range parts {
		order = append(order, p.Member.UserID)
	}
	if fmt.Sprint(order) != "[2 3 1]" || parts[1].Member.FirstName != "M3" {
		t.Fatalf("participants %v, want the author first, then in the order added, once each", order)
	}
	if jobs, _ := db.FindJobs(ctx, store.JobFilter{Subject: fmt.Sprint("meeting:", m.ID)}, store.JobPending); len(jobs) != 3 {
		t.Fatalf("%d jobs, want 3", len(jobs))
	}

	// A job that cannot be written rolls the meeting back.
	_, err = db.CreateMeeting(ctx, store.Meeting{AuthorID: 1, StartsAt: start, TimeZone: "Europe/Moscow"}, nil,
		func(store.Meeting) []store.Job { return []store.Job{{Kind: "remind", DueAt: start}} }, t0)
	if err == nil {
		t.Fatal("a meeting with a broken job was created")
	}
	if list, _ := db.MeetingsOf(ctx, 1, t0, time.Time{}, 10); len(list) != 1 {
		t.Fatalf("member 1 has %d meetings, want 1: the failed one must not exist", len(list))
	}
}

func TestRescheduleAndCancelMoveJobs(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	addMembers(t, db, 1, 2)
	m, err := db.CreateMeeting(ctx, store.Meeting{AuthorID: 1, StartsAt: t0.Add(24 * time.Hour), TimeZone: "Europe/Moscow"},
		[]int64{2}, func(m store.Meeting) []store.Job { return remindJobs(m, 1, 2) }, t0)
	if err != nil {
		t.Fatal(err)
	}
	subject := fmt.Sprint("meeting:", m.ID)
	newStart := t0.Add(72 * time.Hour)
	moved := m
	moved.StartsAt, moved.Revision = newStart, 2
	m2, err := db.RescheduleMeeting(ctx, m.ID, 1, newStart, store.JobChange{
		Cancel: store.JobFilter{Subject: subject, Kinds: []string{"remind"}},
		Add:    remindJobs(moved, 1, 2),
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Revision != 2 || !m2.StartsAt.Equal(newStart) {
		t.Fatalf("after reschedule: %+v", m2)
	}
	jobs, _ := db.FindJobs(ctx, store.JobFilter{Subject: subject}, store.JobPending)
	if len(jobs) != 2 || !jobs[0].DueAt.Equal(newStart.Add(-time.Hour)) {
		t.Fatalf("jobs after reschedule: %+v", jobs)
	}
	// A second reschedule from the old revision loses.
	if _, err := db.RescheduleMeeting(ctx, m.ID, 1, t0.Add(96*time.Hour), store.JobChange{}, t0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale reschedule: %v, want ErrConflict", err)
	}
	if _, err := db.CancelMeeting(ctx, 999, 1, store.JobChange{}, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancel of a missing meeting: %v, want ErrNotFound", err)
	}
	m3, err := db.CancelMeeting(ctx, m.ID, 2, store.JobChange{Cancel: store.JobFilter{Subject: subject}}, t0)
	if err != nil || m3.Status != store.MeetingCancelled || m3.Revision != 3 {
		t.Fatalf("cancel: %+v, %v", m3, err)
	}
	if jobs, _ := db.FindJobs(ctx, store.JobFilter{Subject: subject}, store.JobPending); len(jobs) != 0 {
		t.Fatalf("%d jobs left after cancel", len(jobs))
	}
	if list, _ := db.MeetingsOf(ctx, 2, t0, time.Time{}, 10); len(list) != 0 {
		t.Fatal("a cancelled meeting is listed as upcoming")
	}
	if _, err := db.RescheduleMeeting(ctx, m.ID, 3, newStart, store.JobChange{}, t0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("reschedule of a cancelled meeting: %v, want ErrConflict", err)
	}
}

func TestMeetingsOfWindowAndAnswers(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	addMembers(t, db, 1, 2)
	for _, h := range []int{-1, 1, 5, 30} {
		if _, err := db.CreateMeeting(ctx, store.Meeting{AuthorID: 1, StartsAt: t0.Add(time.Duration(h) * time.Hour),
			TimeZone: "UTC", Topic: fmt.Sprint(h)}, []int64{2}, nil, t0); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := db.MeetingsOf(ctx, 2, t0, t0.Add(24*time.Hour), 10)
	if len(list) != 2 || list[0].Topic != "1" || list[1].Topic != "5" {
		t.Fatalf("today's meetings: %+v", list)
	}
	if list, _ := db.MeetingsOf(ctx, 2, t0, time.Time{}, 2); len(list) != 2 {
		t.Fatalf("limit not applied: %d", len(list))
	}
	if err := db.SetAnswer(ctx, list[0].ID, 2, store.AnswerGoing); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAnswer(ctx, list[0].ID, 3, store.AnswerGoing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("answer of a non-participant: %v", err)
	}
	parts, _ := db.Participants(ctx, list[0].ID)
	if parts[1].Answer != store.AnswerGoing || parts[0].Answer != store.AnswerNone {
		t.Fatalf("answers: %+v", parts)
	}
}

func TestReminderSettings(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	addMembers(t, db, 1)
	s, err := db.ReminderSettings(ctx, 1)
	if err != nil || s.Custom || s.Digest {
		t.Fatalf("default settings: %+v, %v", s, err)
	}
	leads := []time.Duration{72 * time.Hour, 30 * time.Minute}
	if err := db.SetReminderLeads(ctx, 1, true, leads, store.JobChange{}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.SetDigest(ctx, 1, true, store.JobChange{}, t0); err != nil {
		t.Fatal(err)
	}
	s, _ = db.ReminderSettings(ctx, 1)
	if !s.Custom || fmt.Sprint(s.Leads) != fmt.Sprint(leads) || !s.Digest {
		t.Fatalf("custom settings: %+v", s)
	}
	db.SetReminderLeads(ctx, 1, true, nil, store.JobChange{}, t0)
	if s, _ = db.ReminderSettings(ctx, 1); !s.Custom || len(s.Leads) != 0 || !s.Digest {
		t.Fatalf("reminders off: %+v", s)
	}
	db.SetReminderLeads(ctx, 1, false, nil, store.JobChange{}, t0)
	if s, _ = db.ReminderSettings(ctx, 1); s.Custom {
		t.Fatalf("back to default: %+v", s)
	}
	if err := db.SetTimeZone(ctx, 1, "Asia/Kamchatka", store.JobChange{}, t0); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.Member(ctx, 1); m.TimeZone != "Asia/Kamchatka" {
		t.Fatalf("time zone = %q", m.TimeZone)
	}
	if err := db.SetTimeZone(ctx, 99, "UTC", store.JobChange{}, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("time zone of a stranger: %v", err)
	}
}
