package meetings

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/meetings/ics"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// listLimit is how many meetings /meetings shows; exportLimit how many the
// calendar export of all upcoming meetings holds.
const (
	listLimit   = 10
	exportLimit = 200
)

// Meetings answers /meetings: the member's upcoming meetings, each with a
// button that opens its card, and a button exporting them all.
func (s *Service) Meetings(ctx context.Context, r *handlers.Request) error {
	rd := s.readerOf(r)
	now := s.now()
	list, err := s.DB.MeetingsOf(ctx, r.User.ID, now, time.Time{}, listLimit+1)
	if err != nil {
		return fmt.Errorf("meetings: list: %w", err)
	}
	if len(list) == 0 {
		return r.ReplyText(ctx, "meetings.list.none", nil)
	}
	more := len(list) > listLimit
	if more {
		list = list[:listLimit]
	}
	var b strings.Builder
	b.WriteString(rd.T("meetings.list.header", nil))
	var rows [][]handlers.Button
	for i, m := range list {
		b.WriteString("\n" + rd.T("meetings.list.item", locales.Args{
			"N": i + 1, "Date": rd.date(m.StartsAt, now), "Time": rd.clock(m.StartsAt), "Title": locales.HTML(s.title(rd, m)),
		}))
		rows = append(rows, handlers.Row(handlers.Button{
			Text: fmt.Sprintf("%d. %s %s %s", i+1, rd.shortDate(m.StartsAt), rd.clock(m.StartsAt), s.plainTitle(rd, m)),
			Data: openData(m.ID),
		}))
	}
	if more {
		b.WriteString("\n" + rd.T("meetings.list.more", nil))
	}
	rows = append(rows, handlers.Row(button(rd, "export_all", "all")))
	_, err = r.Reply(ctx, handlers.Message{Text: b.String(), Buttons: rows})
	return err
}

// MeetingButton handles the buttons of meeting cards, reminders and
// /meetings.
func (s *Service) MeetingButton(ctx context.Context, r *handlers.Request) error {
	data := r.Callback.Data
	rd := s.readerOf(r)
	if data.Action == "all" {
		return s.exportAll(ctx, r, rd)
	}
	mid, err := intArg(data, 0)
	if err != nil {
		return err
	}
	m, parts, err := s.loadMeeting(ctx, mid, r.Member)
	if errors.Is(err, store.ErrNotFound) {
		return callback.ErrInvalid
	}
	if err != nil {
		return err
	}
	switch data.Action {
	case "open":
		_, err := r.Reply(ctx, handlers.Message{Text: s.card(rd, m, parts, s.now()), Buttons: s.cardButtons(rd, m, parts, r.Member)})
		return err
	case "ics":
		return s.exportOne(ctx, r, rd, m, parts)
	case "map":
		return s.showMap(ctx, r, rd, m)
	}
	if m.Status != store.MeetingPlanned {
		r.Toast(rd.T("meetings.already_cancelled", nil))
		return nil
	}
	switch data.Action {
	case "go":
		return s.answer(ctx, r, rd, m, parts, store.AnswerGoing)
	case "no":
		return s.answer(ctx, r, rd, m, parts, store.AnswerNotGoing)
	case "snz":
		return s.snooze(ctx, r, rd, m, parts, data.Arg(1))
	case "move":
		return s.startMove(ctx, r, rd, m)
	case "cancel":
		if !canEdit(m, r.Member) {
			return handlers.ErrForbidden
		}
		_, err := r.Reply(ctx, handlers.Message{
			Text: rd.T("meetings.cancel.confirm", locales.Args{"Title": locales.HTML(s.title(rd, m))}),
			Buttons: [][]handlers.Button{handlers.Row(
				button(rd, "cancel_yes", "cancelok", id(m.ID), strconv.Itoa(m.Revision)),
				button(rd, "cancel_no", "keep", id(m.ID)),
			)},
		})
		return err
	case "cancelok":
		rev, err := intArg(data, 1)
		if err != nil {
			return err
		}
		return s.cancel(ctx, r, rd, m, parts, int(rev))
	case "keep":
		r.Toast(rd.T("meetings.cancel.kept", nil))
		return r.EditOrReply(ctx, handlers.Message{Text: s.card(rd, m, parts, s.now()), Buttons: s.cardButtons(rd, m, parts, r.Member)})
	}
	return callback.ErrInvalid
}

// answer records a participant's answer and tells the organiser.
func (s *Service) answer(ctx context.Context, r *handlers.Request, rd reader, m store.Meeting, parts []store.Participant, a store.Answer) error {
	p, ok := participantOf(parts, r.User.ID)
	if !ok {
		return handlers.ErrForbidden
	}
	if err := s.DB.SetAnswer(ctx, m.ID, r.User.ID, a); err != nil {
		return fmt.Errorf("meetings: answer: %w", err)
	}
	r.Toast(rd.T("meetings.answer."+string(a), nil))
	if p.Answer == a || m.AuthorID == r.User.ID {
		return nil
	}
	author, ok := participantOf(parts, m.AuthorID)
	if !ok || !author.Member.Reachable {
		return nil
	}
	ar := s.readerFor(author.Member)
	text := ar.T("meetings.answer.told_"+string(a), locales.Args{
		"Name": locales.HTML(memberName(r.Member)), "Title": locales.HTML(s.title(ar, m)),
		"Date": ar.date(m.StartsAt, s.now()), "Time": ar.clock(m.StartsAt),
	})
	if _, err := r.SendTo(ctx, author.Member.UserID, handlers.Message{Text: text}); err != nil {
		r.Log.Warn("meetings: could not tell the organiser of an answer", "err", err)
	}
	return nil
}

// snooze writes one more reminder for the participant: in an hour, or
// tomorrow morning in their zone; never at or after the start.
func (s *Service) snooze(ctx context.Context, r *handlers.Request, rd reader, m store.Meeting, parts []store.Participant, until string) error {
	if _, ok := participantOf(parts, r.User.ID); !ok {
		return handlers.ErrForbidden
	}
	now := s.now()
	var at time.Time
	switch until {
	case "h":
		at = now.Add(time.Hour)
	case "am":
		local := now.In(rd.loc)
		at = time.Date(local.Year(), local.Month(), local.Day()+1, MorningHour, 0, 0, 0, rd.loc)
	default:
		return callback.ErrInvalid
	}
	if !at.Before(m.StartsAt) {
		r.Toast(rd.T("meetings.snooze.too_late", nil))
		return nil
	}
	if _, err := s.DB.AddJobs(ctx, []store.Job{snoozeJob(m, r.User.ID, at)}, now); err != nil {
		return fmt.Errorf("meetings: snooze: %w", err)
	}
	s.wake()
	r.Toast(rd.T("meetings.snooze.set", locales.Args{"Date": rd.date(at, now), "Time": rd.clock(at)}))
	return nil
}

// startMove begins the reschedule dialog.
func (s *Service) startMove(ctx context.Context, r *handlers.Request, rd reader, m store.Meeting) error {
	if !canEdit(m, r.Member) {
		return handlers.ErrForbidden
	}
	d := state.Dialog{Flow: FlowMove, Step: stepWhen, Data: map[string]string{
		keyMeeting: id(m.ID), keyRev: strconv.Itoa(m.Revision),
	}}
	cur, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("meetings: reschedule: %w", err)
	}
	if active {
		d.Version = cur.Version
	}
	if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("meetings: reschedule: %w", err)
	}
	now := s.now()
	_, err = r.Reply(ctx, handlers.Message{Text: rd.T("meetings.move.ask", locales.Args{
		"Title": locales.HTML(s.title(rd, m)), "Date": rd.date(m.StartsAt, now), "Time": rd.clock(m.StartsAt),
	})})
	return err
}

// reschedule moves the meeting to the time the dialog found, with every
// participant's reminders moved and the others told, and ends the dialog.
func (s *Service) reschedule(ctx context.Context, r *handlers.Request, rd reader, d state.Dialog) error {
	mid, _ := strconv.ParseInt(d.Data[keyMeeting], 10, 64)
	rev, _ := strconv.Atoi(d.Data[keyRev])
	at, _ := strconv.ParseInt(d.Data[keyAt], 10, 64)
	start := time.Unix(at, 0).UTC()
	m, parts, err := s.loadMeeting(ctx, mid, r.Member)
	if err != nil {
		return err
	}
	if !canEdit(m, r.Member) {
		return handlers.ErrForbidden
	}
	ids := make([]int64, len(parts))
	for i, p := range parts {
		ids[i] = p.Member.UserID
	}
	leads, err := s.leadsOfAll(ctx, ids)
	if err != nil {
		return fmt.Errorf("meetings: reschedule: %w", err)
	}
	now := s.now()
	moved := m
	moved.StartsAt, moved.Revision = start, rev+1
	m2, err := s.DB.RescheduleMeeting(ctx, mid, rev, start, store.JobChange{
		Cancel: store.JobFilter{Subject: subject(mid), Kinds: []string{KindRemind, KindSnooze}},
		Add:    changeJobs(moved, leads, r.User.ID, eventMoved, m.StartsAt, now),
	}, now)
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		r.Log.Warn("meetings: could not end the dialog", "err", err)
	}
	if errors.Is(err, store.ErrConflict) {
		return r.ReplyText(ctx, "meetings.changed_meanwhile", nil)
	}
	if err != nil {
		return fmt.Errorf("meetings: reschedule: %w", err)
	}
	s.wake()
	return s.sendCard(ctx, r, rd, m2, "meetings.moved")
}

// cancel cancels the meeting, drops every pending reminder and tells the
// other participants.
func (s *Service) cancel(ctx context.Context, r *handlers.Request, rd reader, m store.Meeting, parts []store.Participant, rev int) error {
	if !canEdit(m, r.Member) {
		return handlers.ErrForbidden
	}
	now := s.now()
	cancelled := m
	cancelled.Status, cancelled.Revision = store.MeetingCancelled, rev+1
	leads := make(map[int64][]time.Duration, len(parts))
	for _, p := range parts {
		leads[p.Member.UserID] = nil
	}
	m2, err := s.DB.CancelMeeting(ctx, m.ID, rev, store.JobChange{
		Cancel: store.JobFilter{Subject: subject(m.ID), Kinds: []string{KindRemind, KindSnooze}},
		Add:    changeJobs(cancelled, leads, r.User.ID, eventCancelled, time.Time{}, now),
	}, now)
	if errors.Is(err, store.ErrConflict) {
		return r.ReplyText(ctx, "meetings.changed_meanwhile", nil)
	}
	if err != nil {
		return fmt.Errorf("meetings: cancel: %w", err)
	}
	s.wake()
	r.Toast(rd.T("meetings.cancel.done", nil))
	return r.EditOrReply(ctx, handlers.Message{Text: rd.T("meetings.cancel.done", nil) + "\n\n" + s.card(rd, m2, parts, now)})
}

// event describes a meeting for a calendar, in the reader's language.
func (s *Service) event(rd reader, m store.Meeting, parts []store.Participant) ics.Event {
	e := ics.Event{
		UID:       fmt.Sprintf("meeting-%d@pobratim", m.ID),
		Sequence:  m.Revision - 1,
		Start:     m.StartsAt,
		Zone:      m.TimeZone,
		Summary:   html.UnescapeString(s.title(rd, m)),
		Cancelled: m.Status == store.MeetingCancelled,
	}
	var where []string
	if m.Venue != "" {
		where = append(where, m.Venue)
	}
	if s.Dir != nil {
		if p, ok := s.Dir.ByID(m.MunicipalityID); ok {
			where = append(where, p.Name(rd.lang))
			e.Lat, e.Lon = p.Lat, p.Lon
		}
	}
	e.Location = strings.Join(where, ", ")
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = html.UnescapeString(memberName(p.Member))
	}
	if len(names) > 0 {
		e.Description = html.UnescapeString(rd.N("meetings.card.participants", len(names), locales.Args{"List": strings.Join(names, ", ")}))
	}
	return e
}

func (s *Service) exportOne(ctx context.Context, r *handlers.Request, rd reader, m store.Meeting, parts []store.Participant) error {
	data, err := ics.Write([]ics.Event{s.event(rd, m, parts)}, s.now())
	if err != nil {
		return fmt.Errorf("meetings: export: %w", err)
	}
	_, err = r.Reply(ctx, handlers.Message{Document: &handlers.File{
		Name: fmt.Sprintf("meeting-%d.ics", m.ID), Data: data, Caption: rd.T("meetings.ics.caption_one", nil),
	}})
	return err
}

func (s *Service) exportAll(ctx context.Context, r *handlers.Request, rd reader) error {
	now := s.now()
	list, err := s.DB.MeetingsOf(ctx, r.User.ID, now, time.Time{}, exportLimit)
	if err != nil {
		return fmt.Errorf("meetings: export: %w", err)
	}
	if len(list) == 0 {
		return r.ReplyText(ctx, "meetings.list.none", nil)
	}
	events := make([]ics.Event, 0, len(list))
	for _, m := range list {
		parts, err := s.DB.Participants(ctx, m.ID)
		if err != nil {
			return fmt.Errorf("meetings: export: %w", err)
		}
		events = append(events, s.event(rd, m, parts))
	}
	data, err := ics.Write(events, now)
	if err != nil {
		return fmt.Errorf("meetings: export: %w", err)
	}
	_, err = r.Reply(ctx, handlers.Message{Document: &handlers.File{
		Name: "meetings.ics", Data: data, Caption: rd.N("meetings.ics.caption_all", len(events), nil),
	}})
	return err
}

func (s *Service) showMap(ctx context.Context, r *handlers.Request, rd reader, m store.Meeting) error {
	if !s.hasMap(m) {
		r.Toast(rd.T("meetings.map.none", nil))
		return nil
	}
	p, _ := s.Dir.ByID(m.MunicipalityID)
	_, err := r.Reply(ctx, handlers.Message{Location: &handlers.Location{Latitude: p.Lat, Longitude: p.Lon}})
	return err
}
