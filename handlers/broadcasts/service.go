// Package broadcasts lets coordinators announce forums, calls for partners
// and news to chosen members, and members answer forum invitations.
//
// /broadcast is a dialog: the content (a text, or a photo or a document
// with its caption), the audience (package audience), a preview exactly as
// recipients will see it with the number of recipients, a test send, the
// time (now, a moment, or a wall-clock time in each recipient's zone),
// optional link and RSVP buttons, and confirmation. With approval on, a
// second coordinator approves; the author cannot approve their own.
//
// Queueing writes one outbox row per recipient in one transaction
// (store.QueueBroadcast). The Worker sends the rows through a Transport
// that paces the bot's traffic, pauses everything on a 429, records 403s
// apart from failures, retries other errors, edits a progress message for
// the author and sends a summary with a CSV report at the end. A restart
// resumes with the rows not yet marked; see Worker for the one crash
// window.
//
// Forums (/forums, /newforum) take RSVPs with a capacity and a waitlist.
// A member with a place is reminded at the association's lead times before
// the forum opens (OpeningHour in the venue's zone): the reminders are jobs
// written in the same transaction as the answer and run by package jobs. A
// forum card offers the forum as an iCalendar file and shows the venue on
// a small map.
package broadcasts

import (
	"context"
	"log/slog"
	"strconv"
	"time"
	_ "time/tzdata" // zone data for hosts without /usr/share/zoneinfo

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts/audience"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

// Callback features of this package's buttons.
const (
	FeatureCompose = "bc"  // the /broadcast dialog
	FeatureControl = "bcc" // approval, pause, resume, cancel, report
	FeatureForum   = "fr"  // forum cards and answers
)

// FlowCompose is the /broadcast dialog.
const FlowCompose = "broadcasts.compose"

// Limits of what a broadcast carries, Telegram's.
const (
	MaxText    = 4096
	MaxCaption = 1024
)

// Service answers /broadcast, /mute, /forums, /newforum and their buttons.
type Service struct {
	DB      *store.DB
	Dir     *directory.Directory
	Dialogs handlers.Dialogs
	// Out and Text deliver and render what goes to others than the person
	// asking: approval requests, progress messages.
	Out  handlers.Sender
	Text handlers.Translator
	Now  func() time.Time
	// Approval makes a second coordinator approve every broadcast
	// (POBRATIM_BROADCAST_APPROVAL=on).
	Approval bool
	// Wake tells the worker that rows were queued; nil if none runs.
	Wake func()
	// Leads are the association's reminder lead times before a forum
	// (POBRATIM_REMINDER_LEADS); nil means DefaultLeads.
	Leads []time.Duration
	// WakeJobs tells the job scheduler that a reminder due at the given
	// time was written; nil if none runs.
	WakeJobs func(due time.Time)
	Log      *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func argID(r *handlers.Request, i int) (int64, error) {
	n, err := strconv.ParseInt(r.Callback.Data.Arg(i), 10, 64)
	if err != nil || n == 0 {
		return 0, callback.ErrInvalid
	}
	return n, nil
}

// Zone returns the time zone of a member: their own choice, their
// municipality's, or Moscow time.
func Zone(dir *directory.Directory, m store.Member) *time.Location {
	if m.TimeZone != "" {
		if loc, err := time.LoadLocation(m.TimeZone); err == nil {
			return loc
		}
	}
	if dir != nil && m.MunicipalityID != 0 {
		if p, ok := dir.ByID(m.MunicipalityID); ok && p.TimeZone != "" {
			if loc, err := time.LoadLocation(p.TimeZone); err == nil {
				return loc
			}
		}
	}
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return time.UTC
	}
	return loc
}

// LocalLayout is how a wall-clock time for each recipient's zone is kept.
const LocalLayout = "2006-01-02T15:04"

// DueAt returns when a recipient's copy goes out: at the broadcast's
// local time in their zone, at its moment, or now; never before now.
func DueAt(b store.Broadcast, zone *time.Location, now time.Time) time.Time {
	due := now
	switch {
	case b.LocalTime != "":
		if t, err := time.ParseInLocation(LocalLayout, b.LocalTime, zone); err == nil {
			due = t
		}
	case !b.SendAt.IsZero():
		due = b.SendAt
	}
	if due.Before(now) {
		return now
	}
	return due.UTC()
}

// Recipients returns the members a broadcast reaches now, with the time
// their copies go out.
func (s *Service) Recipients(ctx context.Context, b store.Broadcast) ([]store.Recipient, []store.OutboxEntry, error) {
	a, err := audience.Decode(b.Audience)
	if err != nil {
		return nil, nil, err
	}
	return s.selectRecipients(ctx, a, b)
}

func (s *Service) selectRecipients(ctx context.Context, a audience.Audience, b store.Broadcast) ([]store.Recipient, []store.OutboxEntry, error) {
	all, err := s.DB.BroadcastRecipients(ctx)
	if err != nil {
		return nil, nil, err
	}
	f := audience.Facts{Place: func(id int64) (string, string, bool) {
		if s.Dir == nil {
			return "", "", false
		}
		p, ok := s.Dir.ByID(id)
		return p.Country, p.RegionCode, ok
	}}
	if len(a.Areas) > 0 {
		if f.Areas, err = s.DB.AllAreas(ctx); err != nil {
			return nil, nil, err
		}
	}
	if a.Forum != 0 {
		rsvps, err := s.DB.ForumRSVPs(ctx, a.Forum)
		if err != nil {
			return nil, nil, err
		}
		f.Registrants = map[int64]bool{}
		for _, r := range rsvps {
			if r.Answer == store.RSVPGoing || r.Answer == store.RSVPMaybe {
				f.Registrants[r.MemberID] = true
			}
		}
	}
	chosen := audience.Select(a, all, b.Mandatory, f)
	now := s.now()
	entries := make([]store.OutboxEntry, len(chosen))
	for i, r := range chosen {
		entries[i] = store.OutboxEntry{RecipientID: r.UserID, Language: r.Language, DueAt: DueAt(b, Zone(s.Dir, r.Member), now)}
	}
	return chosen, entries, nil
}
