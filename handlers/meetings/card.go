package meetings

import (
	"html"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// placeName returns the name of the municipality visited in lang, or "".
func (s *Service) placeName(municipalityID int64, lang string) string {
	if s.Dir == nil || municipalityID == 0 {
		return ""
	}
	if p, ok := s.Dir.ByID(municipalityID); ok {
		return p.Name(lang)
	}
	return ""
}

// hasMap reports whether the meeting's municipality has a position to show.
func (s *Service) hasMap(m store.Meeting) bool {
	if s.Dir == nil {
		return false
	}
	p, ok := s.Dir.ByID(m.MunicipalityID)
	return ok && (p.Lat != 0 || p.Lon != 0)
}

// title is a meeting's name in one line, HTML-escaped: "Визит: Витебск —
// туристический форум".
func (s *Service) title(rd reader, m store.Meeting) string {
	place := s.placeName(m.MunicipalityID, rd.lang)
	switch {
	case place != "" && m.Topic != "":
		return rd.T("meetings.title.place_topic", locales.Args{"Place": place, "Topic": m.Topic})
	case place != "":
		return rd.T("meetings.title.place", locales.Args{"Place": place})
	case m.Topic != "":
		return rd.T("meetings.title.topic", locales.Args{"Topic": m.Topic})
	}
	return rd.T("meetings.title.none", nil)
}

// organiserZone returns the zone a meeting was planned in.
func organiserZone(m store.Meeting) *time.Location {
	if loc, err := time.LoadLocation(m.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// whenLine renders when a meeting starts for the reader: in their zone, and
// when their clock differs from the organiser's, with both zones named and
// the organiser's time too.
func (s *Service) whenLine(rd reader, m store.Meeting, now time.Time) string {
	return s.whenAt(rd, m.StartsAt, organiserZone(m), now)
}

func (s *Service) whenAt(rd reader, at time.Time, organiser *time.Location, now time.Time) string {
	args := locales.Args{"Date": rd.date(at, now), "Time": rd.clock(at)}
	if sameOffset(rd.loc, organiser, at) {
		return rd.T("meetings.card.when", args)
	}
	theirs := reader{tr: rd.tr, lang: rd.lang, loc: organiser}
	other := theirs.clock(at)
	if at.In(organiser).YearDay() != at.In(rd.loc).YearDay() {
		other = theirs.shortDate(at) + " " + other
	}
	args["Zone"] = s.zoneLabel(rd.loc, at, rd.lang)
	args["OrganiserTime"] = other
	args["OrganiserZone"] = s.zoneLabel(organiser, at, rd.lang)
	return rd.T("meetings.card.when_zoned", args)
}

// card renders a meeting for a reader.
func (s *Service) card(rd reader, m store.Meeting, parts []store.Participant, now time.Time) string {
	var b strings.Builder
	if m.Status == store.MeetingCancelled {
		b.WriteString(rd.T("meetings.card.cancelled", nil) + "\n")
	}
	b.WriteString("<b>" + s.title(rd, m) + "</b>\n")
	b.WriteString(s.whenLine(rd, m, now))
	if m.Venue != "" {
		b.WriteString("\n" + rd.T("meetings.card.venue", locales.Args{"Venue": m.Venue}))
	}
	if len(parts) > 0 {
		names := make([]string, 0, len(parts))
		for _, p := range parts {
			n := memberName(p.Member)
			switch p.Answer {
			case store.AnswerGoing:
				n = "✅ " + n
			case store.AnswerNotGoing:
				n = "❌ " + n
			}
			if p.Member.UserID == m.AuthorID {
				n += " " + rd.T("meetings.card.organiser", nil)
			}
			names = append(names, n)
		}
		b.WriteString("\n" + rd.N("meetings.card.participants", len(parts), locales.Args{"List": locales.HTML(strings.Join(names, ", "))}))
	}
	return b.String()
}

func button(rd reader, label string, action string, args ...string) handlers.Button {
	return handlers.Button{Text: rd.T("meetings.button."+label, nil), Data: callback.New(FeatureMeeting, action, args...)}
}

// cardButtons are the buttons under a meeting card for viewer.
func (s *Service) cardButtons(rd reader, m store.Meeting, parts []store.Participant, viewer store.Member) [][]handlers.Button {
	if m.Status != store.MeetingPlanned {
		return nil
	}
	mid := id(m.ID)
	var rows [][]handlers.Button
	if _, ok := participantOf(parts, viewer.UserID); ok {
		rows = append(rows, handlers.Row(button(rd, "going", "go", mid), button(rd, "not_going", "no", mid)))
	}
	row := handlers.Row(button(rd, "ics", "ics", mid))
	if s.hasMap(m) {
		row = append(row, button(rd, "map", "map", mid))
	}
	rows = append(rows, row)
	if canEdit(m, viewer) {
		rows = append(rows, handlers.Row(button(rd, "move", "move", mid), button(rd, "cancel", "cancel", mid)))
	}
	return rows
}

// reminderButtons are the buttons under a reminder.
func (s *Service) reminderButtons(rd reader, m store.Meeting) [][]handlers.Button {
	mid := id(m.ID)
	rows := [][]handlers.Button{
		handlers.Row(button(rd, "going", "go", mid), button(rd, "not_going", "no", mid)),
		handlers.Row(button(rd, "snooze_hour", "snz", mid, "h"), button(rd, "snooze_morning", "snz", mid, "am")),
	}
	row := handlers.Row(button(rd, "ics", "ics", mid))
	if s.hasMap(m) {
		row = append(row, button(rd, "map", "map", mid))
	}
	return append(rows, row)
}

// duration renders a span rounded to minutes: "1 day 2 hours", "45 minutes".
// Spans over a day drop the minutes.
func duration(rd reader, d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		d = time.Minute
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	minutes := int(d % time.Hour / time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, rd.N("meetings.unit.day", days, nil))
	}
	if hours > 0 {
		parts = append(parts, rd.N("meetings.unit.hour", hours, nil))
	}
	if minutes > 0 && days == 0 {
		parts = append(parts, rd.N("meetings.unit.minute", minutes, nil))
	}
	return strings.Join(parts, " ")
}

// plainTitle is title as plain text for a button label, shortened.
func (s *Service) plainTitle(rd reader, m store.Meeting) string {
	return shorten(html.UnescapeString(s.title(rd, m)), 40)
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func openData(meetingID int64) callback.Data {
	return callback.New(FeatureMeeting, "open", id(meetingID))
}
