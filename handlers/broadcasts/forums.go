package broadcasts

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts/audience"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

func forumButton(text, action string, args ...string) handlers.Button {
	return handlers.Button{Text: text, Data: callback.New(FeatureForum, action, args...)}
}

// Forums answers /forums: the upcoming forums, each with a button to open
// its card.
func (s *Service) Forums(ctx context.Context, r *handlers.Request) error {
	forums, err := s.DB.UpcomingForums(ctx, s.now())
	if err != nil {
		return err
	}
	if len(forums) == 0 {
		return r.ReplyText(ctx, "forum.none", nil)
	}
	var rows [][]handlers.Button
	for _, f := range forums {
		rows = append(rows, handlers.Row(forumButton(truncate(f.Name, 40)+" · "+dates(f), "open", itoa(f.ID))))
	}
	_, err = r.Reply(ctx, handlers.Message{Text: r.N("forum.list", len(forums), nil), Buttons: rows})
	return err
}

func dates(f store.Forum) string {
	if f.EndsOn.Equal(f.StartsOn) {
		return f.StartsOn.Format("02.01.2006")
	}
	return f.StartsOn.Format("02.01") + "–" + f.EndsOn.Format("02.01.2006")
}

// NewForum answers "/newforum Name | 26.06.2027–28.06.2027 | City |
// Section; Section | capacity | deadline" for coordinators.
func (s *Service) NewForum(ctx context.Context, r *handlers.Request) error {
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	f, ok := parseForum(r.Args)
	if !ok {
		return r.ReplyText(ctx, "forum.new.usage", nil)
	}
	f.CreatedBy = r.User.ID
	f, err := s.DB.CreateForum(ctx, f, s.now())
	if err != nil {
		return err
	}
	s.DB.Audit(ctx, r.User.ID, "forum", "forum:"+itoa(f.ID), f.Name, s.now())
	return s.card(ctx, r, f, false)
}

// parseForum reads the fields of /newforum.
func parseForum(args string) (store.Forum, bool) {
	parts := strings.Split(args, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) < 2 || parts[0] == "" || len([]rune(parts[0])) > 120 {
		return store.Forum{}, false
	}
	f := store.Forum{Name: parts[0]}
	from, to, _ := strings.Cut(strings.NewReplacer("—", "-", "–", "-").Replace(parts[1]), "-")
	var err error
	if f.StartsOn, err = time.Parse("02.01.2006", strings.TrimSpace(from)); err != nil {
		return store.Forum{}, false
	}
	f.EndsOn = f.StartsOn
	if to = strings.TrimSpace(to); to != "" {
		if f.EndsOn, err = time.Parse("02.01.2006", to); err != nil || f.EndsOn.Before(f.StartsOn) {
			return store.Forum{}, false
		}
	}
	if len(parts) > 2 {
		f.City = parts[2]
	}
	if len(parts) > 3 {
		for _, sec := range strings.Split(parts[3], ";") {
			if sec = strings.TrimSpace(sec); sec != "" && len(f.Sections) < 12 {
				f.Sections = append(f.Sections, truncate(sec, 60))
			}
		}
	}
	if len(parts) > 4 && parts[4] != "" {
		if f.Capacity, err = strconv.Atoi(parts[4]); err != nil || f.Capacity < 0 {
			return store.Forum{}, false
		}
	}
	if len(parts) > 5 && parts[5] != "" {
		d, err := time.Parse("02.01.2006", parts[5])
		if err != nil {
			return store.Forum{}, false
		}
		f.Deadline = d.Add(24*time.Hour - time.Minute) // to the end of that day, UTC
	}
	return f, true
}

// card shows a forum with its counts and the buttons for the reader. A
// card sent anew, not edited, is followed by a map of the venue.
func (s *Service) card(ctx context.Context, r *handlers.Request, f store.Forum, edit bool) error {
	rsvps, err := s.DB.ForumRSVPs(ctx, f.ID)
	if err != nil {
		return err
	}
	var going, maybe, waiting int
	mine := ""
	for _, a := range rsvps {
		switch {
		case a.Answer == store.RSVPGoing && a.Waitlisted:
			waiting++
		case a.Answer == store.RSVPGoing:
			going++
		case a.Answer == store.RSVPMaybe:
			maybe++
		}
		if a.MemberID == r.User.ID {
			mine = r.T("forum.answer."+a.Answer, nil)
			if a.Waitlisted {
				mine = r.T("forum.answer.waitlisted", nil)
			}
			if a.Section != "" {
				mine += " · " + a.Section
			}
		}
	}
	capacity := r.T("forum.capacity.unlimited", nil)
	if f.Capacity > 0 {
		capacity = strconv.Itoa(f.Capacity)
	}
	deadline := "—"
	if !f.Deadline.IsZero() {
		deadline = f.Deadline.Format("02.01.2006")
	}
	text := r.T("forum.card", locales.Args{
		"Name": f.Name, "Dates": dates(f), "City": f.City, "Sections": strings.Join(f.Sections, ", "),
		"Capacity": capacity, "Going": going, "Maybe": maybe, "Waitlist": waiting, "Deadline": deadline,
	})
	if mine != "" {
		text += "\n" + r.T("forum.mine", locales.Args{"Answer": mine})
	}
	id := itoa(f.ID)
	rows := [][]handlers.Button{handlers.Row(
		forumButton(r.T("forum.button.going", nil), "rsvp", id, store.RSVPGoing),
		forumButton(r.T("forum.button.maybe", nil), "rsvp", id, store.RSVPMaybe),
		forumButton(r.T("forum.button.not_going", nil), "rsvp", id, store.RSVPNotGoing),
	), handlers.Row(forumButton(r.T("forum.button.ics", nil), "ics", id))}
	if r.Member.AtLeast(store.RoleCoordinator) {
		rows = append(rows, handlers.Row(forumButton(r.T("forum.button.export", nil), "csv", id),
			forumButton(r.T("forum.button.broadcast", nil), "bc", id)))
	}
	m := handlers.Message{Text: text, Buttons: rows}
	if edit {
		return r.EditOrReply(ctx, m)
	}
	if _, err = r.Reply(ctx, m); err != nil {
		return err
	}
	if err := s.sendVenue(ctx, r, f); err != nil {
		s.log().Warn("broadcasts: forum venue map", "forum", f.ID, "err", err)
	}
	return nil
}

// ForumButton handles the buttons of forum cards and announcements.
func (s *Service) ForumButton(ctx context.Context, r *handlers.Request) error {
	id, err := argID(r, 0)
	if err != nil {
		return err
	}
	f, err := s.DB.Forum(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return callback.ErrInvalid
	}
	if err != nil {
		return err
	}
	switch r.Callback.Data.Action {
	case "open":
		return s.card(ctx, r, f, false)
	case "rsvp":
		return s.answer(ctx, r, f, r.Callback.Data.Arg(1), "")
	case "sec":
		i, err := strconv.Atoi(r.Callback.Data.Arg(1))
		if err != nil || i < 0 || i >= len(f.Sections) {
			return callback.ErrInvalid
		}
		mine, err := s.DB.ForumRSVP(ctx, f.ID, r.User.ID)
		if err != nil || mine.Answer == store.RSVPNotGoing {
			return callback.ErrInvalid
		}
		return s.answer(ctx, r, f, mine.Answer, f.Sections[i])
	case "ics":
		return s.sendICS(ctx, r, f)
	case "csv":
		if !r.Member.AtLeast(store.RoleCoordinator) {
			return handlers.ErrForbidden
		}
		return s.exportForum(ctx, r, f)
	case "bc":
		if !r.Member.AtLeast(store.RoleCoordinator) {
			return handlers.ErrForbidden
		}
		return s.startCompose(ctx, r, audience.Audience{Forum: f.ID})
	}
	return callback.ErrInvalid
}

// answer records an RSVP and tells the member, and anyone promoted from
// the waitlist, where they stand.
func (s *Service) answer(ctx context.Context, r *handlers.Request, f store.Forum, answer, section string) error {
	if !r.Member.Verified() {
		return handlers.ErrForbidden
	}
	switch answer {
	case store.RSVPGoing, store.RSVPMaybe, store.RSVPNotGoing:
	default:
		return callback.ErrInvalid
	}
	if !f.Deadline.IsZero() && s.now().After(f.Deadline) {
		return r.ReplyText(ctx, "forum.closed", nil)
	}
	jobsFor := s.rsvpJobs(f, r.User.ID, s.now())
	var written store.JobChange
	res, err := s.DB.AnswerForum(ctx, f.ID, r.User.ID, answer, section, s.now(), func(res store.RSVPResult) store.JobChange {
		written = jobsFor(res)
		return written
	})
	if errors.Is(err, store.ErrConflict) {
		return callback.ErrInvalid
	}
	if err != nil {
		return err
	}
	s.wakeJobs(written.Add)
	for _, p := range res.Promoted {
		lang := locales.Default
		if m, err := s.DB.Member(ctx, p.MemberID); err == nil && locales.Supported(m.Language) {
			lang = m.Language
		}
		if _, err := s.Out.Send(ctx, p.MemberID, handlers.Message{Text: s.Text.Text(lang, "forum.promoted", locales.Args{"Name": f.Name})}); err != nil {
			s.log().Warn("broadcasts: waitlist promotion notice", "err", err)
		}
	}
	id := "forum.answered." + answer
	if res.Mine.Waitlisted {
		id = "forum.answered.waitlisted"
	}
	m := handlers.Message{Text: r.T(id, locales.Args{"Name": f.Name})}
	if answer != store.RSVPNotGoing && len(f.Sections) > 0 {
		if res.Mine.Section != "" {
			m.Text += "\n" + r.T("forum.section.chosen", locales.Args{"Section": res.Mine.Section})
		} else {
			m.Text += "\n" + r.T("forum.section.ask", nil)
		}
		for i, sec := range f.Sections {
			label := sec
			if sec == res.Mine.Section {
				label = "✅ " + sec
			}
			m.Buttons = append(m.Buttons, handlers.Row(forumButton(label, "sec", itoa(f.ID), strconv.Itoa(i))))
		}
	}
	r.Toast(r.T(id, locales.Args{"Name": f.Name}))
	_, err = r.Reply(ctx, m)
	return err
}

// exportForum sends a forum's registrants as CSV.
func (s *Service) exportForum(ctx context.Context, r *handlers.Request, f store.Forum) error {
	rsvps, err := s.DB.ForumRSVPs(ctx, f.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"member_id", "name", "username", "municipality", "position", "answer", "section", "waitlisted", "answered_at"})
	for _, a := range rsvps {
		name, username, place, position := "", "", "", ""
		if m, err := s.DB.Member(ctx, a.MemberID); err == nil {
			name, username, position = displayName(m), m.Username, m.Position
			if p, ok := s.Dir.ByID(m.MunicipalityID); ok {
				place = p.Name(r.Lang)
			}
		}
		cw.Write([]string{itoa(a.MemberID), csvSafe(name), csvSafe(username), csvSafe(place), csvSafe(position),
			a.Answer, csvSafe(a.Section), strconv.FormatBool(a.Waitlisted), a.AnsweredAt.UTC().Format(time.RFC3339)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("broadcasts: forum csv: %w", err)
	}
	_, err = r.Reply(ctx, handlers.Message{Document: &handlers.File{Name: fmt.Sprintf("forum-%d.csv", f.ID), Data: buf.Bytes(),
		Caption: r.N("forum.export.caption", len(rsvps), locales.Args{"Name": f.Name})}})
	return err
}
