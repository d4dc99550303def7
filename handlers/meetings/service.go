// Package meetings plans visits and meetings between member municipalities
// and reminds the participants before they happen.
//
// A person plans a meeting with /visit — a dialog, or one line such as
// "/visit Vitebsk 25.12 15:00 Town hall, tourism forum" — in their own time
// zone; the date phrase is read by package when. The meeting is stored in
// UTC. Every participant sees it in their own zone, with the zones named
// when theirs differs from the organiser's, and is reminded at their lead
// times (the association's default, or their own from /reminders). /meetings
// lists what is coming with buttons to open, reschedule, cancel and export
// to a calendar (package ics); /timezone and /digest complete the settings.
//
// Everything that happens later — reminders, snoozes, the notices that tell
// participants of an invitation, a new time or a cancellation, and the
// morning digest — is a job in SQLite, written in the same transaction as
// the meeting change and run by the scheduler of package jobs (see its
// documentation for the guarantees and the one crash window).
package meetings

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone data for hosts without /usr/share/zoneinfo

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Callback features of this package's buttons.
const (
	FeatureVisit    = "visit" // the /visit and reschedule dialogs
	FeatureMeeting  = "meet"  // meeting cards, reminders and /meetings
	FeatureSettings = "mset"  // /reminders, /digest and /timezone
)

// Dialog flows of this package.
const (
	FlowVisit = "meetings.visit"
	FlowMove  = "meetings.move"
)

// Job kinds of this package.
const (
	KindRemind = "meeting.remind" // a reminder at a lead time
	KindSnooze = "meeting.snooze" // a reminder a participant asked to repeat
	KindNotice = "meeting.notice" // an invitation, a new time or a cancellation
	KindDigest = "meeting.digest" // the morning list of the day's meetings
)

// DefaultLeads are the association's lead times when none are configured.
var DefaultLeads = []time.Duration{24 * time.Hour, time.Hour}

// LateAfter is how late a reminder may go out before it says it is late.
const LateAfter = 2 * time.Minute

// DigestHour is the local hour of the morning digest.
const DigestHour = 8

// MorningHour is the local hour "snooze to tomorrow morning" means.
const MorningHour = 9

// Service answers /visit, /meetings, /timezone, /reminders and /digest and
// their buttons, and runs this package's jobs.
type Service struct {
	DB      *store.DB
	Dir     *directory.Directory
	Dialogs handlers.Dialogs
	// Out and Text deliver and render what jobs send outside any request.
	Out  handlers.Sender
	Text handlers.Translator
	// Leads are the association's default lead times (POBRATIM_REMINDER_LEADS);
	// nil means DefaultLeads.
	Leads []time.Duration
	Now   func() time.Time
	// Wake tells the scheduler that a job was written; nil if none runs.
	Wake func()
	Log  *slog.Logger

	zoneLabels sync.Map // "zone\x00lang" → city name
}

// RegisterJobs makes sch run this package's jobs.
func (s *Service) RegisterJobs(sch *jobs.Scheduler) {
	sch.Handle(KindRemind, s.runReminder)
	sch.Handle(KindSnooze, s.runReminder)
	sch.Handle(KindNotice, s.runNotice)
	sch.Handle(KindDigest, s.runDigest)
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

func (s *Service) defaultLeads() []time.Duration {
	if s.Leads == nil {
		return DefaultLeads
	}
	return s.Leads
}

// zoneSource says where a member's time zone comes from.
type zoneSource int

const (
	zoneDefault      zoneSource = iota // neither chosen nor known from a municipality
	zoneMunicipality                   // the member's municipality's zone
	zoneOwn                            // chosen with /timezone
)

// zone returns a member's time zone.
func (s *Service) zone(m store.Member) (*time.Location, zoneSource) {
	if m.TimeZone != "" {
		if loc, err := time.LoadLocation(m.TimeZone); err == nil {
			return loc, zoneOwn
		}
	}
	if s.Dir != nil && m.MunicipalityID != 0 {
		if p, ok := s.Dir.ByID(m.MunicipalityID); ok && p.TimeZone != "" {
			if loc, err := time.LoadLocation(p.TimeZone); err == nil {
				return loc, zoneMunicipality
			}
		}
	}
	name := "Europe/Moscow"
	if m.Language == "be" {
		name = "Europe/Minsk"
	}
	loc, _ := time.LoadLocation(name)
	return loc, zoneDefault
}

// reader is whom a text is rendered for: their language and time zone.
type reader struct {
	tr   handlers.Translator
	lang string
	loc  *time.Location
	id   int64 // the member's Telegram user id
}

func (s *Service) readerOf(r *handlers.Request) reader {
	loc, _ := s.zone(r.Member)
	return reader{tr: r.Translator(), lang: r.Lang, loc: loc, id: r.User.ID}
}

func (s *Service) readerFor(m store.Member) reader {
	lang := m.Language
	if !locales.Supported(lang) {
		lang = locales.Default
	}
	loc, _ := s.zone(m)
	return reader{tr: s.Text, lang: lang, loc: loc, id: m.UserID}
}

func (rd reader) T(id string, args locales.Args) string { return rd.tr.Text(rd.lang, id, args) }

func (rd reader) N(id string, n int, args locales.Args) string {
	return rd.tr.Plural(rd.lang, id, n, args)
}

var weekdays = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
var months = [...]string{"", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// date renders the day of t in the reader's zone, with the year when it is
// not the year of now.
func (rd reader) date(t, now time.Time) string {
	t = t.In(rd.loc)
	args := locales.Args{
		"Weekday": rd.T("meetings.weekday."+weekdays[t.Weekday()], nil),
		"Day":     t.Day(),
		"Month":   rd.T("meetings.month."+months[t.Month()], nil),
		"Year":    t.Year(),
	}
	if t.Year() != now.In(rd.loc).Year() {
		return rd.T("meetings.date_year", args)
	}
	return rd.T("meetings.date", args)
}

// shortDate renders the day of t in the reader's zone as 25.12.
func (rd reader) shortDate(t time.Time) string { return t.In(rd.loc).Format("02.01") }

// clock renders the time of day of t in the reader's zone.
func (rd reader) clock(t time.Time) string { return t.In(rd.loc).Format("15:04") }

// zoneLabel names a zone for a reader: its city in their language and the
// UTC offset at t, such as "Калининград, UTC+2".
func (s *Service) zoneLabel(loc *time.Location, t time.Time, lang string) string {
	_, offset := t.In(loc).Zone()
	return s.zoneCity(loc.String(), lang) + ", " + formatUTCOffset(offset)
}

// zoneCities maps zones whose name is not a city the directory knows to
// the city that gives the zone its name.
var zoneCities = map[string]string{
	"Asia/Kamchatka":     "Petropavlovsk-Kamchatsky",
	"Asia/Sakhalin":      "Yuzhno-Sakhalinsk",
	"Asia/Srednekolymsk": "Srednekolymsk",
}

func (s *Service) zoneCity(zone, lang string) string {
	key := zone + "\x00" + lang
	if v, ok := s.zoneLabels.Load(key); ok {
		return v.(string)
	}
	city := zone
	if i := strings.LastIndexByte(zone, '/'); i >= 0 {
		city = zone[i+1:]
	}
	city = strings.ReplaceAll(city, "_", " ")
	query := city
	if c, ok := zoneCities[zone]; ok {
		query = c
	}
	if s.Dir != nil {
		for _, m := range s.Dir.Resolve(query, 3).Matches {
			if m.Edits == 0 && (m.Place.TimeZone == zone || zoneCities[zone] != "") {
				city = m.Place.Name(lang)
				break
			}
		}
	}
	s.zoneLabels.Store(key, city)
	return city
}

func formatUTCOffset(sec int) string {
	if sec == 0 {
		return "UTC"
	}
	sign := "+"
	if sec < 0 {
		sign, sec = "−", -sec
	}
	s := "UTC" + sign + strconv.Itoa(sec/3600)
	if m := sec % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}

// sameOffset reports whether two zones show the same wall clock at t.
func sameOffset(a, b *time.Location, t time.Time) bool {
	_, oa := t.In(a).Zone()
	_, ob := t.In(b).Zone()
	return oa == ob
}

// memberName is how a member is shown to others, HTML-escaped.
func memberName(m store.Member) string {
	name := strings.TrimSpace(m.FirstName + " " + m.LastName)
	if name == "" && m.Username != "" {
		name = "@" + m.Username
	}
	if name == "" {
		name = "#" + strconv.FormatInt(m.UserID, 10)
	}
	return html.EscapeString(name)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// intArg returns button argument i as a number, or callback.ErrInvalid.
func intArg(d callback.Data, i int) (int64, error) {
	n, err := strconv.ParseInt(d.Arg(i), 10, 64)
	if err != nil {
		return 0, callback.ErrInvalid
	}
	return n, nil
}

func subject(meetingID int64) string { return "meeting:" + id(meetingID) }

// canEdit reports whether a member may reschedule or cancel a meeting: its
// author, or a coordinator.
func canEdit(m store.Meeting, who store.Member) bool {
	return m.AuthorID == who.UserID || who.Role == store.RoleCoordinator || who.Role == store.RoleAdmin
}

// participantOf returns who's participation in parts.
func participantOf(parts []store.Participant, who int64) (store.Participant, bool) {
	for _, p := range parts {
		if p.Member.UserID == who {
			return p, true
		}
	}
	return store.Participant{}, false
}

// loadMeeting returns a meeting and its participants for a member who may
// see it: a participant, or a coordinator. Others get ErrForbidden.
func (s *Service) loadMeeting(ctx context.Context, meetingID int64, who store.Member) (store.Meeting, []store.Participant, error) {
	m, err := s.DB.Meeting(ctx, meetingID)
	if err != nil {
		return store.Meeting{}, nil, err
	}
	parts, err := s.DB.Participants(ctx, meetingID)
	if err != nil {
		return store.Meeting{}, nil, err
	}
	if _, ok := participantOf(parts, who.UserID); !ok && !canEdit(m, who) {
		return store.Meeting{}, nil, handlers.ErrForbidden
	}
	return m, parts, nil
}
