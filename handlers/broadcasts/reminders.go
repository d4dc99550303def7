package broadcasts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// KindForumRemind is a reminder to a registrant with a place, at one of the
// association's lead times before the forum opens.
const KindForumRemind = "forum.remind"

// DefaultLeads are the association's lead times when none are configured.
var DefaultLeads = []time.Duration{24 * time.Hour, time.Hour}

// OpeningHour is the hour, in the venue's time zone, at which a forum is
// taken to open: forums are recorded by their dates only, and reminders
// need a moment to count back from.
const OpeningHour = 9

// LateAfter is how late a reminder may run before an earlier one of the
// same forum, also due, gives way to the later one.
const LateAfter = 2 * time.Minute

// defaultVenueZone is the zone of a venue that is not in the directory.
const defaultVenueZone = "Europe/Moscow"

// forumReminder is the payload of KindForumRemind jobs.
type forumReminder struct {
	Forum  int64 `json:"forum"`
	Member int64 `json:"member"`
	Lead   int64 `json:"lead"`  // seconds before the opening
	Opens  int64 `json:"opens"` // the opening the job counted back from, Unix seconds
}

// RegisterJobs makes sch run this package's jobs.
func (s *Service) RegisterJobs(sch *jobs.Scheduler) {
	sch.Handle(KindForumRemind, s.runForumReminder)
}

func (s *Service) leads() []time.Duration {
	if s.Leads == nil {
		return DefaultLeads
	}
	return s.Leads
}

// wakeJobs tells the scheduler about the earliest of the jobs written.
func (s *Service) wakeJobs(written []store.Job) {
	if s.WakeJobs == nil || len(written) == 0 {
		return
	}
	first := written[0].DueAt
	for _, j := range written[1:] {
		if j.DueAt.Before(first) {
			first = j.DueAt
		}
	}
	s.WakeJobs(first)
}

// forumSubject is the Subject of a forum's jobs.
func forumSubject(id int64) string { return "forum:" + itoa(id) }

// venue returns the directory's place for a forum's city: the best match
// of the name as typed. ok is false when the city is empty or unknown.
func (s *Service) venue(f store.Forum) (directory.Place, bool) {
	if s.Dir == nil || strings.TrimSpace(f.City) == "" {
		return directory.Place{}, false
	}
	res := s.Dir.Resolve(f.City, 1)
	if len(res.Matches) == 0 {
		return directory.Place{}, false
	}
	return res.Matches[0].Place, true
}

// opensAt returns the moment a forum opens: OpeningHour on its first day
// in the venue's time zone, or Moscow time when the venue is unknown.
func (s *Service) opensAt(f store.Forum) time.Time {
	name := defaultVenueZone
	if p, ok := s.venue(f); ok && p.TimeZone != "" {
		name = p.TimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	d := f.StartsOn
	return time.Date(d.Year(), d.Month(), d.Day(), OpeningHour, 0, 0, 0, loc).UTC()
}

// forumReminders returns a member's reminders of a forum opening at opens,
// one per lead whose time is still to come. The key names the opening, so
// that answering again does not repeat a reminder already sent.
func forumReminders(forum, member int64, opens time.Time, leads []time.Duration, now time.Time) []store.Job {
	var out []store.Job
	for _, lead := range leads {
		due := opens.Add(-lead)
		if !due.After(now) {
			continue
		}
		secs := int64(lead / time.Second)
		p, _ := json.Marshal(forumReminder{Forum: forum, Member: member, Lead: secs, Opens: opens.Unix()})
		out = append(out, store.Job{
			Kind:      KindForumRemind,
			Key:       fmt.Sprintf("forum:%d:%d:%d:%d", forum, opens.Unix(), member, secs),
			Subject:   forumSubject(forum),
			Recipient: member,
			DueAt:     due,
			Payload:   string(p),
		})
	}
	return out
}

// rsvpJobs returns what an answer does to reminders, for store.AnswerForum
// to write in the same transaction: a member with a place has them, one
// without (not going, maybe, waitlisted) has none pending, and everyone
// promoted from the waitlist gets them.
func (s *Service) rsvpJobs(f store.Forum, member int64, now time.Time) func(store.RSVPResult) store.JobChange {
	opens := s.opensAt(f)
	leads := s.leads()
	return func(res store.RSVPResult) store.JobChange {
		var c store.JobChange
		if hasPlace(res.Mine) {
			// Written again, the pending ones and those sent already keep
			// their keys: a reminder being sent right now is not repeated.
			c.Add = forumReminders(f.ID, member, opens, leads, now)
		} else {
			c.Cancel = store.JobFilter{Subject: forumSubject(f.ID), Recipient: member, Kinds: []string{KindForumRemind}}
		}
		for _, p := range res.Promoted {
			c.Add = append(c.Add, forumReminders(f.ID, p.MemberID, opens, leads, now)...)
		}
		return c
	}
}

func hasPlace(a store.RSVP) bool { return a.Answer == store.RSVPGoing && !a.Waitlisted }

// runForumReminder sends a reminder, or drops it when it no longer
// applies: the forum is gone or has opened, the member no longer has a
// place or cannot be reached, or a later reminder is due as well (after
// downtime the one nearest the opening says it all).
func (s *Service) runForumReminder(ctx context.Context, j store.Job) error {
	var p forumReminder
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobs.Drop("bad payload: " + err.Error())
	}
	f, err := s.DB.Forum(ctx, p.Forum)
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Drop("forum gone")
	}
	if err != nil {
		return err
	}
	now := s.now()
	opens := s.opensAt(f)
	switch {
	case opens.Unix() != p.Opens:
		return jobs.Drop("forum moved")
	case !now.Before(opens):
		return jobs.Drop("forum has opened")
	}
	a, err := s.DB.ForumRSVP(ctx, f.ID, p.Member)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !hasPlace(a)) {
		return jobs.Drop("no longer registered")
	}
	if err != nil {
		return err
	}
	if now.Sub(j.DueAt) > LateAfter {
		all, err := s.DB.FindJobs(ctx, store.JobFilter{Subject: j.Subject, Recipient: j.Recipient, Kinds: []string{KindForumRemind}}, "")
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.ID != j.ID && o.DueAt.After(j.DueAt) && !o.DueAt.After(now) && o.State != store.JobDropped {
				return jobs.Drop("a later reminder is due too")
			}
		}
	}
	m, err := jobs.Recipient(ctx, s.DB, p.Member)
	if err != nil {
		return err
	}
	lang := m.Language
	if !locales.Supported(lang) {
		lang = locales.Default
	}
	local := opens.In(Zone(s.Dir, m))
	text := s.Text.Text(lang, "forum.reminder.header", locales.Args{"Name": f.Name, "In": s.inTime(lang, opens.Sub(now))}) + "\n" +
		s.Text.Text(lang, "forum.reminder.when", locales.Args{"Dates": dates(f), "City": f.City,
			"Date": local.Format("02.01.2006"), "Time": local.Format("15:04")})
	msg := handlers.Message{Text: text, Buttons: [][]handlers.Button{handlers.Row(
		forumButton(s.Text.Text(lang, "forum.button.open", nil), "open", itoa(f.ID)),
		forumButton(s.Text.Text(lang, "forum.button.ics", nil), "ics", itoa(f.ID)),
	)}}
	return jobs.Send(ctx, s.Out, m, msg)
}

// inTime renders how long until the opening: days and hours, or hours
// and minutes when less than a day is left.
func (s *Service) inTime(lang string, d time.Duration) string {
	d = max(d.Round(time.Minute), time.Minute)
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	minutes := int(d % time.Hour / time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, s.Text.Plural(lang, "forum.unit.day", days, nil))
	}
	if hours > 0 {
		parts = append(parts, s.Text.Plural(lang, "forum.unit.hour", hours, nil))
	}
	if minutes > 0 && days == 0 {
		parts = append(parts, s.Text.Plural(lang, "forum.unit.minute", minutes, nil))
	}
	return strings.Join(parts, " ")
}
