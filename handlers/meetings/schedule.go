package meetings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// reminderPayload is the payload of KindRemind and KindSnooze jobs.
type reminderPayload struct {
	Meeting  int64 `json:"meeting"`
	Revision int   `json:"revision"`
	Member   int64 `json:"member"`
	Lead     int64 `json:"lead,omitempty"` // seconds before the start; 0 for a snooze
}

// Notice events.
const (
	eventInvited   = "invited"
	eventMoved     = "moved"
	eventCancelled = "cancelled"
)

// noticePayload is the payload of KindNotice jobs.
type noticePayload struct {
	Meeting  int64  `json:"meeting"`
	Revision int    `json:"revision"`
	Member   int64  `json:"member"`
	Event    string `json:"event"`
	By       int64  `json:"by"`            // who made the change
	Was      int64  `json:"was,omitempty"` // the start before a reschedule, Unix seconds
}

// digestPayload is the payload of KindDigest jobs.
type digestPayload struct {
	Member int64  `json:"member"`
	Day    string `json:"day"` // the local day it is for, 2006-01-02
}

func payload(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the payload types always marshal
	}
	return string(b)
}

// reminderJobs returns a member's reminders of m at leads, skipping those
// whose time has passed. The key holds the meeting's revision, so a
// reschedule writes new reminders even for leads already reminded of.
func reminderJobs(m store.Meeting, member int64, leads []time.Duration, now time.Time) []store.Job {
	var out []store.Job
	for _, lead := range leads {
		due := m.StartsAt.Add(-lead)
		if !due.After(now) {
			continue
		}
		secs := int64(lead / time.Second)
		out = append(out, store.Job{
			Kind:      KindRemind,
			Key:       fmt.Sprintf("remind:%d:%d:%d:%d", m.ID, m.Revision, member, secs),
			Subject:   subject(m.ID),
			Recipient: member,
			DueAt:     due,
			Payload:   payload(reminderPayload{Meeting: m.ID, Revision: m.Revision, Member: member, Lead: secs}),
		})
	}
	return out
}

func snoozeJob(m store.Meeting, member int64, at time.Time) store.Job {
	return store.Job{
		Kind:      KindSnooze,
		Key:       fmt.Sprintf("snooze:%d:%d:%d:%d", m.ID, m.Revision, member, at.Unix()),
		Subject:   subject(m.ID),
		Recipient: member,
		DueAt:     at,
		Payload:   payload(reminderPayload{Meeting: m.ID, Revision: m.Revision, Member: member}),
	}
}

func noticeJob(m store.Meeting, member int64, event string, by int64, was time.Time, now time.Time) store.Job {
	p := noticePayload{Meeting: m.ID, Revision: m.Revision, Member: member, Event: event, By: by}
	if !was.IsZero() {
		p.Was = was.Unix()
	}
	return store.Job{
		Kind:      KindNotice,
		Key:       fmt.Sprintf("notice:%d:%d:%d:%s", m.ID, m.Revision, member, event),
		Subject:   subject(m.ID),
		Recipient: member,
		DueAt:     now,
		Payload:   payload(p),
	}
}

// nextLocal returns the first moment after now that is hour:00 in loc.
func nextLocal(now time.Time, loc *time.Location, hour int) time.Time {
	t := now.In(loc)
	at := time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, loc)
	if !at.After(t) {
		at = time.Date(t.Year(), t.Month(), t.Day()+1, hour, 0, 0, 0, loc)
	}
	return at
}

func digestJob(member int64, at time.Time) store.Job {
	day := at.Format("2006-01-02")
	return store.Job{
		Kind:      KindDigest,
		Key:       fmt.Sprintf("digest:%d:%s", member, day),
		Recipient: member,
		DueAt:     at,
		Payload:   payload(digestPayload{Member: member, Day: day}),
	}
}

// nextDigest returns a member's next morning digest in loc: the next
// DigestHour after now, or the one after it when the member already had
// that day's digest (a zone change to the west can bring the hour back).
func (s *Service) nextDigest(ctx context.Context, member int64, loc *time.Location, now time.Time) (store.Job, error) {
	at := nextLocal(now, loc, DigestHour)
	done, err := s.DB.FindJobs(ctx, store.JobFilter{Recipient: member, Kinds: []string{KindDigest}}, store.JobDone)
	if err != nil {
		return store.Job{}, err
	}
	if len(done) > 0 {
		var last digestPayload
		if json.Unmarshal([]byte(done[len(done)-1].Payload), &last) == nil && last.Day >= at.Format("2006-01-02") {
			at = time.Date(at.Year(), at.Month(), at.Day()+1, DigestHour, 0, 0, 0, loc)
		}
	}
	return digestJob(member, at), nil
}

// leadsOf returns the lead times in force for a member.
func (s *Service) leadsOf(ctx context.Context, member int64) ([]time.Duration, error) {
	set, err := s.DB.ReminderSettings(ctx, member)
	if err != nil {
		return nil, err
	}
	if set.Custom {
		return set.Leads, nil
	}
	return s.defaultLeads(), nil
}

// leadsOfAll returns the lead times in force for each member.
func (s *Service) leadsOfAll(ctx context.Context, members []int64) (map[int64][]time.Duration, error) {
	out := make(map[int64][]time.Duration, len(members))
	for _, id := range members {
		leads, err := s.leadsOf(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = leads
	}
	return out, nil
}

// changeJobs returns the jobs a new or changed meeting needs: every
// participant's reminders at their lead times (none once cancelled), and a
// notice of event to every participant but the one who made the change.
func changeJobs(m store.Meeting, leads map[int64][]time.Duration, by int64, event string, was, now time.Time) []store.Job {
	var out []store.Job
	for _, member := range slices.Sorted(maps.Keys(leads)) {
		if m.Status == store.MeetingPlanned {
			out = append(out, reminderJobs(m, member, leads[member], now)...)
		}
		if member != by {
			out = append(out, noticeJob(m, member, event, by, was, now))
		}
	}
	return out
}

// runReminder sends a reminder, or drops it when it no longer applies: the
// meeting was cancelled, moved (its new reminders carry the new revision)
// or has started, or a later reminder of the same meeting is also due.
func (s *Service) runReminder(ctx context.Context, j store.Job) error {
	var p reminderPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobs.Drop("bad payload: " + err.Error())
	}
	m, err := s.DB.Meeting(ctx, p.Meeting)
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Drop("meeting gone")
	}
	if err != nil {
		return err
	}
	now := s.now()
	switch {
	case m.Status != store.MeetingPlanned:
		return jobs.Drop("meeting cancelled")
	case m.Revision != p.Revision:
		return jobs.Drop("meeting rescheduled")
	case !now.Before(m.StartsAt):
		return jobs.Drop("meeting has started")
	}
	late := now.Sub(j.DueAt) > LateAfter
	if late && j.Kind == KindRemind {
		// After downtime several reminders of one meeting may be due at
		// once; the one nearest to the start says it all. It may be running
		// beside this one or done already, so any state counts.
		due, err := s.DB.FindJobs(ctx, store.JobFilter{Subject: j.Subject, Recipient: j.Recipient, Kinds: []string{KindRemind}}, "")
		if err != nil {
			return err
		}
		sameRevision := fmt.Sprintf("remind:%d:%d:", p.Meeting, p.Revision)
		for _, o := range due {
			if o.ID != j.ID && strings.HasPrefix(o.Key, sameRevision) && o.DueAt.After(j.DueAt) && !o.DueAt.After(now) {
				return jobs.Drop("a later reminder is due too")
			}
		}
	}
	member, parts, err := s.recipient(ctx, m, p.Member)
	if err != nil {
		return err
	}
	rd := s.readerFor(member)
	var b strings.Builder
	b.WriteString(rd.T("meetings.reminder.header", locales.Args{"In": duration(rd, m.StartsAt.Sub(now))}))
	if late {
		b.WriteString("\n" + rd.T("meetings.reminder.late", nil))
	}
	b.WriteString("\n\n" + s.card(rd, m, parts, now))
	return s.deliver(ctx, member, handlers.Message{Text: b.String(), Buttons: s.reminderButtons(rd, m)})
}

// runNotice tells a participant of an invitation, a new time or a
// cancellation. A notice superseded by a later change is dropped: that
// change sends its own.
func (s *Service) runNotice(ctx context.Context, j store.Job) error {
	var p noticePayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobs.Drop("bad payload: " + err.Error())
	}
	m, err := s.DB.Meeting(ctx, p.Meeting)
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Drop("meeting gone")
	}
	if err != nil {
		return err
	}
	if m.Revision != p.Revision {
		return jobs.Drop("superseded by a later change")
	}
	member, parts, err := s.recipient(ctx, m, p.Member)
	if err != nil {
		return err
	}
	by := "—"
	if who, err := s.DB.Member(ctx, p.By); err == nil {
		by = memberName(who)
	}
	rd := s.readerFor(member)
	now := s.now()
	args := locales.Args{"Name": locales.HTML(by)}
	if p.Was != 0 {
		was := time.Unix(p.Was, 0)
		args["Was"] = rd.date(was, now) + ", " + rd.clock(was)
	}
	header := rd.T("meetings.notice."+p.Event, args)
	var buttons [][]handlers.Button
	if m.Status == store.MeetingPlanned {
		buttons = s.cardButtons(rd, m, parts, member)
	}
	return s.deliver(ctx, member, handlers.Message{Text: header + "\n\n" + s.card(rd, m, parts, now), Buttons: buttons})
}

// runDigest sends a member the rest of today's meetings and writes the next
// morning's digest.
func (s *Service) runDigest(ctx context.Context, j store.Job) error {
	var p digestPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobs.Drop("bad payload: " + err.Error())
	}
	set, err := s.DB.ReminderSettings(ctx, p.Member)
	if err != nil {
		return err
	}
	if !set.Digest {
		return jobs.Drop("digest turned off")
	}
	member, err := s.DB.Member(ctx, p.Member)
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Drop("member gone")
	}
	if err != nil {
		return err
	}
	rd := s.readerFor(member)
	now := s.now()
	// The next digest first: its key is unique, so running this job again
	// after a crash does not write it twice.
	next, err := s.nextDigest(ctx, member.UserID, rd.loc, now)
	if err != nil {
		return err
	}
	if _, err := s.DB.AddJobs(ctx, []store.Job{next}, now); err != nil {
		return err
	}
	s.wake()
	local := now.In(rd.loc)
	endOfDay := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, rd.loc)
	list, err := s.DB.MeetingsOf(ctx, member.UserID, now, endOfDay, 20)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return nil // nothing today: no message
	}
	var b strings.Builder
	b.WriteString(rd.N("meetings.digest.header", len(list), locales.Args{"Date": rd.date(now, now)}))
	for _, m := range list {
		b.WriteString("\n" + rd.T("meetings.digest.item", locales.Args{"Time": rd.clock(m.StartsAt), "Title": locales.HTML(s.title(rd, m))}))
		if m.Venue != "" {
			b.WriteString(" · " + rd.T("meetings.card.venue", locales.Args{"Venue": m.Venue}))
		}
	}
	var buttons [][]handlers.Button
	for _, m := range list {
		buttons = append(buttons, handlers.Row(handlers.Button{
			Text: rd.clock(m.StartsAt) + " " + s.plainTitle(rd, m),
			Data: openData(m.ID),
		}))
	}
	return s.deliver(ctx, member, handlers.Message{Text: b.String(), Buttons: buttons})
}

// recipient loads the member a job is for and the meeting's participants,
// and drops the job when the member no longer takes part.
func (s *Service) recipient(ctx context.Context, m store.Meeting, memberID int64) (store.Member, []store.Participant, error) {
	parts, err := s.DB.Participants(ctx, m.ID)
	if err != nil {
		return store.Member{}, nil, err
	}
	p, ok := participantOf(parts, memberID)
	if !ok {
		return store.Member{}, nil, jobs.Drop("not a participant")
	}
	return p.Member, parts, nil
}

// deliver sends m to a member; a member who blocked the bot will not get
// it later either, so the job is dropped.
func (s *Service) deliver(ctx context.Context, to store.Member, m handlers.Message) error {
	return jobs.Send(ctx, s.Out, to, m)
}
