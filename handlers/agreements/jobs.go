package agreements

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements/deadline"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Job kinds of this package.
const (
	// KindDeadline is a reminder of a deadline for one party: when it runs,
	// it writes a KindRemind job for each member of that party then.
	KindDeadline = "agreement.deadline"
	// KindRemind is a reminder of a deadline for one member.
	KindRemind = "agreement.remind"
	// KindPlan runs after an agreement's last known deadline and plans the
	// reminders of its next renewal cycle or review.
	KindPlan = "agreement.plan"
)

// reminderHour is the local hour at which reminders are sent.
const reminderHour = 9

// defaultZone is the zone of a party whose own is unknown.
const defaultZone = "Europe/Moscow"

// remindPayload is what a deadline job carries.
type remindPayload struct {
	Municipality int64  `json:"municipality"`
	Kind         string `json:"kind"`
	On           string `json:"on"`
	Lead         int    `json:"lead"`
}

// RegisterJobs makes sch run this package's jobs.
func (s *Service) RegisterJobs(sch *jobs.Scheduler) {
	sch.Handle(KindDeadline, s.runDeadline)
	sch.Handle(KindRemind, s.runRemind)
	sch.Handle(KindPlan, s.runPlan)
}

// deadlineJobs are the jobs that remind the parties of a stored
// agreement's deadlines: one per reminder and municipality, due at
// reminderHour in the municipality's zone, and one that plans the next
// round after the last deadline. Their keys are stable, so writing them
// again after an edit does not repeat a reminder already sent.
func deadlineJobs(dir *directory.Directory, a store.Agreement, now time.Time) []store.Job {
	ds := deadline.Upcoming(termsOf(a), now)
	if len(ds) == 0 {
		return nil
	}
	subject := store.AgreementSubject(a.ID)
	var out []store.Job
	for _, rem := range deadline.Reminders(ds, now) {
		on := rem.Deadline.On.Format(time.DateOnly)
		lead := strconv.Itoa(rem.Lead)
		if rem.On.Equal(deadline.Day(now)) && !slices.Contains(deadline.Leads[rem.Kind], rem.Lead) {
			lead = "late" // one late reminder per deadline, however often it is edited
		}
		for _, muni := range a.Parties {
			loc := zoneOf(dir, muni)
			due := time.Date(rem.On.Year(), rem.On.Month(), rem.On.Day(), reminderHour, 0, 0, 0, loc)
			if due.Before(now) {
				due = now
			}
			payload, _ := json.Marshal(remindPayload{Municipality: muni, Kind: string(rem.Kind), On: on, Lead: rem.Lead})
			out = append(out, store.Job{
				Kind:    KindDeadline,
				Key:     fmt.Sprintf("agreement:%d:%s:%s:%s:%d", a.ID, rem.Kind, on, lead, muni),
				Subject: subject,
				DueAt:   due.UTC(),
				Payload: string(payload),
			})
		}
	}
	last := ds[len(ds)-1].On
	out = append(out, store.Job{
		Kind:    KindPlan,
		Key:     fmt.Sprintf("agreement:%d:plan:%s", a.ID, last.Format(time.DateOnly)),
		Subject: subject,
		DueAt:   last.AddDate(0, 0, 1).Add(reminderHour * time.Hour),
	})
	return out
}

func zoneOf(dir *directory.Directory, municipality int64) *time.Location {
	if p, ok := dir.ByID(municipality); ok && p.TimeZone != "" {
		if loc, err := time.LoadLocation(p.TimeZone); err == nil {
			return loc
		}
	}
	loc, err := time.LoadLocation(defaultZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// agreementOfJob loads the agreement a job is about; a deleted one drops
// the job.
func (s *Service) agreementOfJob(ctx context.Context, j store.Job) (store.Agreement, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(j.Subject, "agreement:"), 10, 64)
	if err != nil {
		return store.Agreement{}, jobs.Drop("bad subject " + j.Subject)
	}
	a, err := s.DB.Agreement(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Agreement{}, jobs.Drop("agreement deleted")
	}
	return a, err
}

// stillDue reports whether the agreement still has the deadline p reminds
// of: an edit cancels its jobs, but a job running meanwhile checks again.
func stillDue(a store.Agreement, p remindPayload) bool {
	on, ok := deadline.ParseDay(p.On)
	if !ok {
		return false
	}
	return slices.Contains(deadline.Upcoming(termsOf(a), on), deadline.Deadline{Kind: deadline.Kind(p.Kind), On: on})
}

func (s *Service) runDeadline(ctx context.Context, j store.Job) error {
	a, err := s.agreementOfJob(ctx, j)
	if err != nil {
		return err
	}
	var p remindPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobs.Drop("bad payload")
	}
	if !stillDue(a, p) || !slices.Contains(a.Parties, p.Municipality) {
		return jobs.Drop("the deadline no longer applies")
	}
	members, err := s.DB.VerifiedMembersOf(ctx, p.Municipality)
	if err != nil {
		return err
	}
	now := s.now()
	var add []store.Job
	for _, m := range members {
		if !m.Reachable {
			continue
		}
		add = append(add, store.Job{Kind: KindRemind, Key: j.Key + ":m" + itoa(m.UserID), Subject: j.Subject,
			Recipient: m.UserID, DueAt: now, Payload: j.Payload})
	}
	if _, err := s.DB.AddJobs(ctx, add, now); err != nil {
		return err
	}
	s.wake()
	return nil
}

func (s *Service) runRemind(ctx context.Context, j store.Job) error {
	a, err := s.agreementOfJob(ctx, j)
	if err != nil {
		return err
	}
	var p remindPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobs.Drop("bad payload")
	}
	if !stillDue(a, p) {
		return jobs.Drop("the deadline no longer applies")
	}
	m, err := jobs.Recipient(ctx, s.DB, j.Recipient)
	if err != nil {
		return err
	}
	lang := m.Language
	if !locales.Supported(lang) {
		lang = locales.Default
	}
	v := view{reader{s.Text, lang}, lang}
	on, _ := deadline.ParseDay(p.On)
	days := deadline.Days(s.now().In(zoneOf(s.Dir, p.Municipality)), on)
	when := v.T("agreements.remind.today", nil)
	if days > 0 {
		when = v.N("agreements.remind.in_days", days, nil)
	}
	text := v.T("agreements.remind.header", locales.Args{"Title": titleOf(v, a.Title)}) + "\n" +
		v.T("agreements.remind.parties", locales.Args{"List": s.partnersOf(v, a, 0)}) + "\n" +
		"⏰ " + deadlineText(v, deadline.Deadline{Kind: deadline.Kind(p.Kind), On: on}) + " (" + when + ")"
	return jobs.Send(ctx, s.Out, m, handlers.Message{
		Text:    text,
		Buttons: [][]handlers.Button{handlers.Row(handlers.Button{Text: v.T("agreements.button.open", nil), Data: button("card", itoa(a.ID))})},
	})
}

func (s *Service) runPlan(ctx context.Context, j store.Job) error {
	a, err := s.agreementOfJob(ctx, j)
	if err != nil {
		return err
	}
	now := s.now()
	if _, err := s.DB.AddJobs(ctx, deadlineJobs(s.Dir, a, now), now); err != nil {
		return err
	}
	s.wake()
	return nil
}
