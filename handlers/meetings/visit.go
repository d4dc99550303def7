package meetings

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/meetings/when"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// Steps of the /visit dialog, in order; the reschedule dialog has only
// stepWhen.
const (
	stepPlace = "place"
	stepWhen  = "when"
	stepVenue = "venue"
	stepTopic = "topic"
	stepParts = "parts"
	stepDone  = "done" // the meeting is being created
)

// Keys of the dialog data.
const (
	keyPlace   = "place" // directory id of the municipality visited
	keyAt      = "at"    // the start, Unix seconds
	keyDate    = "date"  // a day given without a time, 2006-01-02
	keyAmb     = "amb"   // the two readings of an ambiguous hour, Unix seconds
	keyVenue   = "venue" // present once answered, "" when skipped
	keyTopic   = "topic"
	keyParts   = "parts"   // chosen participants, comma-separated user ids
	keyCands   = "cands"   // participants offered
	keyMeeting = "meeting" // the meeting being rescheduled
	keyRev     = "rev"     // its revision when rescheduling began
)

// Limits of what people type.
const (
	maxVenue      = 200
	maxTopic      = 300
	maxCandidates = 24
	maxAhead      = 3 * 366 * 24 * time.Hour
	placeChoices  = 6
)

// Visit answers /visit: it starts the dialog, filled in from the one-line
// form "/visit Vitebsk 25.12 15:00 Town hall, tourism forum" as far as it
// goes, and asks for the rest.
func (s *Service) Visit(ctx context.Context, r *handlers.Request) error {
	if r.ChatType != "" && r.ChatType != "private" {
		return r.ReplyText(ctx, "meetings.private_only", nil)
	}
	rd := s.readerOf(r)
	d := state.Dialog{Flow: FlowVisit, Data: map[string]string{}}
	cur, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("meetings: visit: %w", err)
	}
	if active {
		d.Version = cur.Version // a new /visit replaces any dialog
	}
	var note *handlers.Message
	if args := strings.TrimSpace(r.Args); args != "" {
		note = s.readOneLine(rd, args, d.Data)
	}
	return s.advance(ctx, r, rd, d, note)
}

// readOneLine fills data from the one-line form: a place, then a date
// phrase, then "venue, topic". The place is the words before the first
// position where a date phrase starts. It returns a message when something
// needs an answer first (which of several places, an unreadable date).
func (s *Service) readOneLine(rd reader, args string, data map[string]string) *handlers.Message {
	now := s.now()
	if res, err := when.Parse(args, now, rd.loc); !errors.Is(err, when.ErrUnrecognised) {
		return s.readWhen(rd, res, err, data)
	}
	words := strings.Fields(args)
	for k := 1; k < len(words) && k <= 5; k++ {
		res, err := when.Parse(strings.Join(words[k:], " "), now, rd.loc)
		if errors.Is(err, when.ErrUnrecognised) {
			continue
		}
		placeNote := s.readPlace(rd, strings.Join(words[:k], " "), data)
		whenNote := s.readWhen(rd, res, err, data)
		if placeNote != nil {
			return placeNote
		}
		return whenNote
	}
	return s.readPlace(rd, args, data)
}

// readPlace stores the municipality query names, or returns the message
// that answers it: a problem with the query, nothing found, or a choice.
func (s *Service) readPlace(rd reader, query string, data map[string]string) *handlers.Message {
	res := s.Dir.Resolve(query, placeChoices)
	switch {
	case res.Problem != directory.ProblemNone:
		return &handlers.Message{Text: rd.T("meetings.place.unreadable", nil)}
	case len(res.Matches) == 1:
		data[keyPlace] = id(res.Matches[0].Place.ID)
		return nil
	case len(res.Matches) > 1:
		places := make([]directory.Place, 0, len(res.Matches))
		for _, m := range res.Matches {
			places = append(places, m.Place)
		}
		return &handlers.Message{Text: rd.T("meetings.place.several", locales.Args{"Query": query}), Buttons: s.placeButtons(rd, places)}
	case len(res.Closest) > 0:
		return &handlers.Message{Text: rd.T("meetings.place.did_you_mean", locales.Args{"Query": query}), Buttons: s.placeButtons(rd, res.Closest)}
	}
	return &handlers.Message{Text: rd.T("meetings.place.not_found", locales.Args{"Query": query})}
}

func (s *Service) placeButtons(rd reader, places []directory.Place) [][]handlers.Button {
	rows := make([][]handlers.Button, 0, len(places))
	for _, p := range places {
		label := p.Name(rd.lang)
		if region := s.Dir.RegionName(p, rd.lang); region != "" {
			label += " — " + region
		}
		rows = append(rows, handlers.Row(handlers.Button{Text: label, Data: callback.New(FeatureVisit, "place", id(p.ID))}))
	}
	return rows
}

// parseWhen reads an answer to "when?": after a day given without a time,
// the answer may be just the time.
func (s *Service) parseWhen(rd reader, text string, data map[string]string) (when.Result, error) {
	now := s.now()
	if day := data[keyDate]; day != "" {
		res, err := when.Parse(day+" "+text, now, rd.loc)
		if err == nil && res.HasTime || errors.Is(err, when.ErrPast) {
			return res, err
		}
	}
	return when.Parse(text, now, rd.loc)
}

// readWhen stores what a date phrase gave — a start, the two readings of an
// ambiguous hour, or a day still without a time — and the venue and topic
// that followed it. It returns a message when the phrase cannot be used.
func (s *Service) readWhen(rd reader, res when.Result, err error, data map[string]string) *handlers.Message {
	now := s.now()
	switch {
	case errors.Is(err, when.ErrPast):
		at := res.At
		if len(res.Ambiguous) > 0 {
			at = res.Ambiguous[len(res.Ambiguous)-1]
		}
		return &handlers.Message{Text: rd.T("meetings.when.past", locales.Args{"Date": rd.date(at, now), "Time": rd.clock(at)})}
	case errors.Is(err, when.ErrInvalid):
		return &handlers.Message{Text: rd.T("meetings.when.invalid", nil)}
	case err != nil:
		return &handlers.Message{Text: rd.T("meetings.when.unrecognised", nil)}
	}
	first := res.At
	if len(res.Ambiguous) > 0 {
		first = res.Ambiguous[0]
	}
	if first.Sub(now) > maxAhead {
		return &handlers.Message{Text: rd.T("meetings.when.too_far", nil)}
	}
	delete(data, keyAmb)
	delete(data, keyDate)
	switch {
	case len(res.Ambiguous) == 2:
		data[keyAmb] = unix(res.Ambiguous[0]) + "," + unix(res.Ambiguous[1])
	case !res.HasTime:
		data[keyDate] = res.At.Format("2006-01-02")
	default:
		data[keyAt] = unix(res.At)
	}
	if res.Rest != "" {
		venue, topic, _ := strings.Cut(res.Rest, ",")
		setOnce(data, keyVenue, limitText(venue, maxVenue))
		if topic = limitText(topic, maxTopic); topic != "" {
			setOnce(data, keyTopic, topic)
		}
	}
	return nil
}

// unix writes a start to the minute as Unix seconds.
func unix(t time.Time) string { return strconv.FormatInt(t.Truncate(time.Minute).Unix(), 10) }

func setOnce(data map[string]string, key, value string) {
	if _, ok := data[key]; !ok && value != "" {
		data[key] = value
	}
}

// limitText trims s and cuts it to n characters.
func limitText(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = shorten(s, n)
	}
	return s
}

// nextStep is the first question data has no answer to.
func nextStep(data map[string]string) string {
	switch {
	case data[keyPlace] == "":
		return stepPlace
	case data[keyAt] == "":
		return stepWhen
	}
	if _, ok := data[keyVenue]; !ok {
		return stepVenue
	}
	if _, ok := data[keyTopic]; !ok {
		return stepTopic
	}
	return stepParts
}

// advance saves the dialog at its next question and asks it — or, with
// nobody else to invite, creates the meeting. note, when set, is sent
// instead of the question: it already asks what is needed.
func (s *Service) advance(ctx context.Context, r *handlers.Request, rd reader, d state.Dialog, note *handlers.Message) error {
	d.Step = nextStep(d.Data)
	if d.Step == stepParts && d.Data[keyCands] == "" {
		cands, err := s.candidates(ctx, r.Member, d.Data[keyPlace])
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			return s.create(ctx, r, rd, d)
		}
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = id(c.UserID)
		}
		d.Data[keyCands] = strings.Join(ids, ",")
	}
	if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("meetings: save dialog: %w", err)
	}
	if note != nil {
		_, err := r.Reply(ctx, *note)
		return err
	}
	m, err := s.prompt(ctx, rd, d)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// prompt is the question of the dialog's step.
func (s *Service) prompt(ctx context.Context, rd reader, d state.Dialog) (handlers.Message, error) {
	now := s.now()
	skip := handlers.Row(handlers.Button{Text: rd.T("meetings.button.skip", nil), Data: callback.New(FeatureVisit, "skip")})
	switch d.Step {
	case stepPlace:
		return handlers.Message{Text: rd.T("meetings.ask.place", nil)}, nil
	case stepWhen:
		if amb := strings.Split(d.Data[keyAmb], ","); len(amb) == 2 {
			var row []handlers.Button
			var first time.Time
			for i, a := range amb {
				n, _ := strconv.ParseInt(a, 10, 64)
				t := time.Unix(n, 0)
				if i == 0 {
					first = t
				}
				row = append(row, handlers.Button{Text: rd.shortDate(t) + " " + rd.clock(t), Data: callback.New(FeatureVisit, "at", a)})
			}
			return handlers.Message{Text: rd.T("meetings.ask.hour", locales.Args{"Date": rd.date(first, now)}),
				Buttons: [][]handlers.Button{row}}, nil
		}
		if day := d.Data[keyDate]; day != "" {
			t, _ := time.ParseInLocation("2006-01-02", day, rd.loc)
			return handlers.Message{Text: rd.T("meetings.ask.time", locales.Args{"Date": rd.date(t, now)})}, nil
		}
		if d.Flow == FlowMove {
			return handlers.Message{Text: rd.T("meetings.ask.new_time", nil)}, nil
		}
		return handlers.Message{Text: rd.T("meetings.ask.when", nil)}, nil
	case stepVenue:
		return handlers.Message{Text: rd.T("meetings.ask.venue", nil), Buttons: [][]handlers.Button{skip}}, nil
	case stepTopic:
		return handlers.Message{Text: rd.T("meetings.ask.topic", nil), Buttons: [][]handlers.Button{skip}}, nil
	case stepParts:
		return s.partsPrompt(ctx, rd, d)
	}
	return handlers.Message{}, fmt.Errorf("meetings: no question for step %q", d.Step)
}

// partsPrompt shows the meeting so far and the participants to choose.
func (s *Service) partsPrompt(ctx context.Context, rd reader, d state.Dialog) (handlers.Message, error) {
	chosen := splitIDs(d.Data[keyParts])
	var rows [][]handlers.Button
	for _, c := range splitIDs(d.Data[keyCands]) {
		m, err := s.DB.Member(ctx, c)
		if err != nil {
			continue
		}
		mark := "⬜ "
		if slices.Contains(chosen, c) {
			mark = "☑️ "
		}
		rows = append(rows, handlers.Row(handlers.Button{Text: mark + html.UnescapeString(memberName(m)),
			Data: callback.New(FeatureVisit, "tog", id(c))}))
	}
	rows = append(rows, handlers.Row(handlers.Button{Text: rd.T("meetings.button.create", nil), Data: callback.New(FeatureVisit, "make")}))
	draft := s.draft(rd, d)
	return handlers.Message{Text: s.card(rd, draft, nil, s.now()) + "\n\n" + rd.T("meetings.ask.parts", nil), Buttons: rows}, nil
}

// draft is the meeting the dialog describes so far.
func (s *Service) draft(rd reader, d state.Dialog) store.Meeting {
	place, _ := strconv.ParseInt(d.Data[keyPlace], 10, 64)
	at, _ := strconv.ParseInt(d.Data[keyAt], 10, 64)
	return store.Meeting{MunicipalityID: place, StartsAt: time.Unix(at, 0).UTC(), TimeZone: rd.loc.String(),
		Venue: d.Data[keyVenue], Topic: d.Data[keyTopic], Status: store.MeetingPlanned}
}

// candidates are the members who may be invited: those of the author's
// municipality and of the municipality visited, the author excepted.
func (s *Service) candidates(ctx context.Context, author store.Member, place string) ([]store.Member, error) {
	placeID, _ := strconv.ParseInt(place, 10, 64)
	var out []store.Member
	seen := map[int64]bool{author.UserID: true}
	for _, mun := range []int64{author.MunicipalityID, placeID} {
		if mun == 0 {
			continue
		}
		list, err := s.DB.MembersOf(ctx, mun, maxCandidates+1) // +1: the author may be one
		if err != nil {
			return nil, fmt.Errorf("meetings: candidates: %w", err)
		}
		for _, m := range list {
			if !seen[m.UserID] && len(out) < maxCandidates {
				seen[m.UserID] = true
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// DialogText handles text typed while a /visit or reschedule dialog waits
// for an answer.
func (s *Service) DialogText(ctx context.Context, r *handlers.Request) error {
	d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("meetings: dialog: %w", err)
	}
	if !active || (d.Flow != FlowVisit && d.Flow != FlowMove) {
		return r.ReplyText(ctx, "unknown.text", nil)
	}
	if d.Data == nil {
		d.Data = map[string]string{}
	}
	rd := s.readerOf(r)
	text := strings.TrimSpace(r.Text)
	switch d.Step {
	case stepPlace:
		if note := s.readPlace(rd, text, d.Data); note != nil {
			_, err := r.Reply(ctx, *note)
			return err
		}
	case stepWhen:
		res, err := s.parseWhen(rd, text, d.Data)
		if note := s.readWhen(rd, res, err, d.Data); note != nil {
			_, err := r.Reply(ctx, *note)
			return err
		}
		if d.Flow == FlowMove {
			if d.Data[keyAt] != "" {
				return s.reschedule(ctx, r, rd, d)
			}
			return s.ask(ctx, r, rd, d)
		}
	case stepVenue, stepTopic:
		key, limit := keyVenue, maxVenue
		if d.Step == stepTopic {
			key, limit = keyTopic, maxTopic
		}
		if utf8.RuneCountInString(text) > limit {
			return r.ReplyText(ctx, "meetings.ask.too_long", locales.Args{"Count": limit})
		}
		if text == "-" || text == "—" {
			text = ""
		}
		d.Data[key] = text
	case stepParts:
		return r.ReplyText(ctx, "meetings.ask.parts_buttons", nil)
	default:
		return nil // the meeting is being created
	}
	return s.advance(ctx, r, rd, d, nil)
}

// ask saves the dialog at its current step and asks its question again.
func (s *Service) ask(ctx context.Context, r *handlers.Request, rd reader, d state.Dialog) error {
	if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("meetings: save dialog: %w", err)
	}
	m, err := s.prompt(ctx, rd, d)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// VisitButton handles the buttons of the /visit and reschedule dialogs. A
// button of a dialog that has moved on is stale.
func (s *Service) VisitButton(ctx context.Context, r *handlers.Request) error {
	if !r.Member.AtLeast(store.RoleMember) {
		return handlers.ErrForbidden
	}
	d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("meetings: dialog: %w", err)
	}
	if !active || (d.Flow != FlowVisit && d.Flow != FlowMove) {
		return callback.ErrInvalid
	}
	if d.Data == nil {
		d.Data = map[string]string{}
	}
	rd := s.readerOf(r)
	data := r.Callback.Data
	switch {
	case data.Action == "place" && d.Step == stepPlace:
		n, err := intArg(data, 0)
		if err != nil {
			return err
		}
		p, ok := s.Dir.ByID(n)
		if !ok {
			return callback.ErrInvalid
		}
		d.Data[keyPlace] = id(p.ID)
		r.Toast(p.Name(rd.lang))
		return s.advance(ctx, r, rd, d, nil)
	case data.Action == "at" && d.Step == stepWhen:
		if !slices.Contains(strings.Split(d.Data[keyAmb], ","), data.Arg(0)) {
			return callback.ErrInvalid
		}
		n, _ := intArg(data, 0)
		if !time.Unix(n, 0).After(s.now()) {
			return r.ReplyText(ctx, "meetings.when.past", locales.Args{"Date": rd.date(time.Unix(n, 0), s.now()), "Time": rd.clock(time.Unix(n, 0))})
		}
		d.Data[keyAt] = data.Arg(0)
		delete(d.Data, keyAmb)
		if d.Flow == FlowMove {
			return s.reschedule(ctx, r, rd, d)
		}
		return s.advance(ctx, r, rd, d, nil)
	case data.Action == "skip" && d.Step == stepVenue:
		d.Data[keyVenue] = ""
		return s.advance(ctx, r, rd, d, nil)
	case data.Action == "skip" && d.Step == stepTopic:
		d.Data[keyTopic] = ""
		return s.advance(ctx, r, rd, d, nil)
	case data.Action == "tog" && d.Step == stepParts:
		who := data.Arg(0)
		if !slices.Contains(strings.Split(d.Data[keyCands], ","), who) {
			return callback.ErrInvalid
		}
		chosen := strings.Split(d.Data[keyParts], ",")
		if i := slices.Index(chosen, who); i >= 0 {
			chosen = slices.Delete(chosen, i, i+1)
		} else {
			chosen = append(chosen, who)
		}
		d.Data[keyParts] = strings.Trim(strings.Join(chosen, ","), ",")
		if d, err = s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
			return fmt.Errorf("meetings: save dialog: %w", err)
		}
		m, err := s.prompt(ctx, rd, d)
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, m)
	case data.Action == "make" && d.Step == stepParts:
		return s.create(ctx, r, rd, d)
	}
	return callback.ErrInvalid
}

// create stores the meeting the dialog describes, with every participant's
// reminders and invitations, and ends the dialog.
func (s *Service) create(ctx context.Context, r *handlers.Request, rd reader, d state.Dialog) error {
	// Claim the creation first: a second tap on "Create" loses the
	// compare-and-set and is answered as a stale button.
	d.Step = stepDone
	d, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL)
	if err != nil {
		return fmt.Errorf("meetings: create: %w", err)
	}
	now := s.now()
	draft := s.draft(rd, d)
	if !draft.StartsAt.After(now) {
		delete(d.Data, keyAt)
		d.Step = stepWhen
		if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
			return fmt.Errorf("meetings: create: %w", err)
		}
		return r.ReplyText(ctx, "meetings.when.past", locales.Args{"Date": rd.date(draft.StartsAt, now), "Time": rd.clock(draft.StartsAt)})
	}
	draft.AuthorID = r.User.ID
	parts := splitIDs(d.Data[keyParts])
	leads, err := s.leadsOfAll(ctx, append([]int64{r.User.ID}, parts...))
	if err != nil {
		return fmt.Errorf("meetings: create: %w", err)
	}
	m, err := s.DB.CreateMeeting(ctx, draft, parts, func(m store.Meeting) []store.Job {
		return changeJobs(m, leads, r.User.ID, eventInvited, time.Time{}, now)
	}, now)
	if err != nil {
		return fmt.Errorf("meetings: create: %w", err)
	}
	s.wake()
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		r.Log.Warn("meetings: could not end the dialog", "err", err)
	}
	return s.sendCard(ctx, r, rd, m, "meetings.created")
}

// sendCard answers with a meeting's card under a header message.
func (s *Service) sendCard(ctx context.Context, r *handlers.Request, rd reader, m store.Meeting, header string) error {
	parts, err := s.DB.Participants(ctx, m.ID)
	if err != nil {
		return fmt.Errorf("meetings: card: %w", err)
	}
	text := s.card(rd, m, parts, s.now())
	if header != "" {
		text = rd.T(header, nil) + "\n\n" + text
	}
	_, err = r.Reply(ctx, handlers.Message{Text: text, Buttons: s.cardButtons(rd, m, parts, r.Member)})
	return err
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}
