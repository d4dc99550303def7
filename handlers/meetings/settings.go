package meetings

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// presetLeads are the lead times /reminders offers as buttons.
var presetLeads = []time.Duration{
	7 * 24 * time.Hour, 3 * 24 * time.Hour, 24 * time.Hour,
	3 * time.Hour, time.Hour, 30 * time.Minute, 15 * time.Minute,
}

// MaxLead is the longest lead time a reminder may have.
const MaxLead = 30 * 24 * time.Hour

// Words that turn a setting on or off, in the three languages.
var (
	onWords  = []string{"on", "yes", "вкл", "включить", "да", "уключыць", "так"}
	offWords = []string{"off", "no", "выкл", "выключить", "нет", "выключыць", "не"}
)

// Reminders answers /reminders: the lead times in force with buttons to
// choose them, return to the association's default or turn reminders off.
// "/reminders 2h,30m", "/reminders off" and "/reminders default" work too.
func (s *Service) Reminders(ctx context.Context, r *handlers.Request) error {
	rd := s.readerOf(r)
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	switch {
	case arg == "":
		m, err := s.remindersPanel(ctx, rd)
		if err != nil {
			return err
		}
		_, err = r.Reply(ctx, m)
		return err
	case slices.Contains(offWords, arg):
		return s.setLeads(ctx, r, rd, true, nil)
	case arg == "default" || arg == "по умолчанию" || arg == "па змаўчанні":
		return s.setLeads(ctx, r, rd, false, nil)
	}
	leads, err := ParseLeads(arg)
	if err != nil {
		return r.ReplyText(ctx, "meetings.reminders.usage", nil)
	}
	return s.setLeads(ctx, r, rd, true, leads)
}

// ParseLeads reads lead times such as "24h,1h", "2d, 30m" or "90m": Go
// durations with d for days, separated by commas or spaces, each positive
// and at most MaxLead. The result is sorted largest first, without
// duplicates.
func ParseLeads(s string) ([]time.Duration, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("meetings: no lead times in %q", s)
	}
	var out []time.Duration
	for _, f := range fields {
		var d time.Duration
		var err error
		if days, ok := strings.CutSuffix(f, "d"); ok {
			var n int
			n, err = strconv.Atoi(days)
			d = time.Duration(n) * 24 * time.Hour
		} else {
			d, err = time.ParseDuration(f)
		}
		if err != nil || d < time.Minute || d > MaxLead {
			return nil, fmt.Errorf("meetings: lead time %q: want 1m to 30d", f)
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return out, nil
}

// remindersPanel renders the reminder settings with their buttons.
func (s *Service) remindersPanel(ctx context.Context, rd reader) (handlers.Message, error) {
	set, err := s.DB.ReminderSettings(ctx, rd.id)
	if err != nil {
		return handlers.Message{}, fmt.Errorf("meetings: reminders: %w", err)
	}
	var b strings.Builder
	effective := set.Leads
	switch {
	case !set.Custom:
		effective = s.defaultLeads()
		b.WriteString(rd.T("meetings.reminders.default", locales.Args{"List": leadList(rd, effective)}))
	case len(set.Leads) == 0:
		b.WriteString(rd.T("meetings.reminders.off", nil))
	default:
		b.WriteString(rd.T("meetings.reminders.custom", locales.Args{"List": leadList(rd, set.Leads)}))
	}
	digest := "meetings.reminders.digest_off"
	if set.Digest {
		digest = "meetings.reminders.digest_on"
	}
	b.WriteString("\n" + rd.T(digest, nil) + "\n\n" + rd.T("meetings.reminders.hint", nil))

	var rows [][]handlers.Button
	var row []handlers.Button
	for _, lead := range presetLeads {
		mark := ""
		if slices.Contains(effective, lead) {
			mark = "✓ "
		}
		row = append(row, handlers.Button{Text: mark + duration(rd, lead),
			Data: callback.New(FeatureSettings, "lead", strconv.FormatInt(int64(lead/time.Second), 10))})
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, handlers.Row(
		handlers.Button{Text: rd.T("meetings.button.leads_default", nil), Data: callback.New(FeatureSettings, "default")},
		handlers.Button{Text: rd.T("meetings.button.leads_off", nil), Data: callback.New(FeatureSettings, "off")},
	))
	action := "on"
	if set.Digest {
		action = "off"
	}
	// "panel": after the change, show this panel again.
	rows = append(rows, handlers.Row(handlers.Button{Text: rd.T("meetings.button.digest_"+action, nil),
		Data: callback.New(FeatureSettings, "digest", action, "panel")}))
	return handlers.Message{Text: b.String(), Buttons: rows}, nil
}

func leadList(rd reader, leads []time.Duration) string {
	parts := make([]string, len(leads))
	for i, d := range leads {
		parts[i] = duration(rd, d)
	}
	return strings.Join(parts, ", ")
}

// setLeads stores a member's lead times and rewrites their pending
// reminders to match, in one transaction. Reminders already sent are not
// sent again: their keys exist.
func (s *Service) setLeads(ctx context.Context, r *handlers.Request, rd reader, custom bool, leads []time.Duration) error {
	now := s.now()
	effective := leads
	if !custom {
		effective = s.defaultLeads()
	}
	upcoming, err := s.DB.MeetingsOf(ctx, r.User.ID, now, time.Time{}, exportLimit)
	if err != nil {
		return fmt.Errorf("meetings: set reminders: %w", err)
	}
	var add []store.Job
	for _, m := range upcoming {
		add = append(add, reminderJobs(m, r.User.ID, effective, now)...)
	}
	if err := s.DB.SetReminderLeads(ctx, r.User.ID, custom, leads, store.JobChange{
		Cancel: store.JobFilter{Recipient: r.User.ID, Kinds: []string{KindRemind}},
		Add:    add,
	}, now); err != nil {
		return fmt.Errorf("meetings: set reminders: %w", err)
	}
	s.wake()
	m, err := s.remindersPanel(ctx, rd)
	if err != nil {
		return err
	}
	r.Toast(rd.T("meetings.reminders.saved", nil))
	return r.EditOrReply(ctx, m)
}

// Digest answers /digest on|off: the morning list of the day's meetings at
// DigestHour local time.
func (s *Service) Digest(ctx context.Context, r *handlers.Request) error {
	rd := s.readerOf(r)
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	switch {
	case slices.Contains(onWords, arg):
		return s.setDigest(ctx, r, rd, true, false)
	case slices.Contains(offWords, arg):
		return s.setDigest(ctx, r, rd, false, false)
	}
	set, err := s.DB.ReminderSettings(ctx, r.User.ID)
	if err != nil {
		return fmt.Errorf("meetings: digest: %w", err)
	}
	id, action := "meetings.digest.is_off", "on"
	if set.Digest {
		id, action = "meetings.digest.is_on", "off"
	}
	_, err = r.Reply(ctx, handlers.Message{
		Text:    rd.T(id, s.digestArgs(rd)),
		Buttons: [][]handlers.Button{handlers.Row(handlers.Button{Text: rd.T("meetings.button.digest_"+action, nil), Data: callback.New(FeatureSettings, "digest", action)})},
	})
	return err
}

func (s *Service) digestArgs(rd reader) locales.Args {
	return locales.Args{"Time": fmt.Sprintf("%02d:00", DigestHour), "Zone": s.zoneLabel(rd.loc, s.now(), rd.lang)}
}

// setDigest turns the digest on (writing the next morning's job) or off
// (deleting it), then shows the reminders panel again when the change came
// from it.
func (s *Service) setDigest(ctx context.Context, r *handlers.Request, rd reader, on, panel bool) error {
	now := s.now()
	c := store.JobChange{Cancel: store.JobFilter{Recipient: r.User.ID, Kinds: []string{KindDigest}}}
	if on {
		next, err := s.nextDigest(ctx, r.User.ID, rd.loc, now)
		if err != nil {
			return fmt.Errorf("meetings: digest: %w", err)
		}
		c.Add = []store.Job{next}
	}
	if err := s.DB.SetDigest(ctx, r.User.ID, on, c, now); err != nil {
		return fmt.Errorf("meetings: digest: %w", err)
	}
	s.wake()
	id := "meetings.digest.off"
	if on {
		id = "meetings.digest.on"
	}
	r.Toast(rd.T(id, s.digestArgs(rd)))
	if panel {
		m, err := s.remindersPanel(ctx, rd)
		if err != nil {
			return err
		}
		return r.EditOrReply(ctx, m)
	}
	return r.EditOrReply(ctx, handlers.Message{Text: rd.T(id, s.digestArgs(rd))})
}

// TimeZone answers /timezone: without an argument the zone in force and
// where it comes from; with an IANA name ("Asia/Yekaterinburg") or a town
// ("Екатеринбург") it sets the member's own zone; "auto" returns to the
// municipality's.
func (s *Service) TimeZone(ctx context.Context, r *handlers.Request) error {
	rd := s.readerOf(r)
	arg := strings.TrimSpace(r.Args)
	switch {
	case arg == "":
		return s.showZone(ctx, r, rd)
	case slices.Contains([]string{"auto", "авто", "reset"}, strings.ToLower(arg)):
		return s.setZone(ctx, r, "")
	}
	if loc, ok := loadZone(arg); ok {
		return s.setZone(ctx, r, loc.String())
	}
	res := s.Dir.Resolve(arg, 5)
	zones := map[string]bool{}
	for _, m := range res.Matches {
		zones[m.Place.TimeZone] = true
	}
	switch {
	case len(res.Matches) == 0:
		return r.ReplyText(ctx, "meetings.tz.unknown", locales.Args{"Query": arg})
	case len(zones) == 1:
		return s.setZone(ctx, r, res.Matches[0].Place.TimeZone)
	}
	var rows [][]handlers.Button
	now := s.now()
	for _, m := range res.Matches {
		loc, err := time.LoadLocation(m.Place.TimeZone)
		if err != nil {
			continue
		}
		label := m.Place.Name(rd.lang) + " — " + s.Dir.RegionName(m.Place, rd.lang) + " (" + s.zoneLabel(loc, now, rd.lang) + ")"
		rows = append(rows, handlers.Row(handlers.Button{Text: label, Data: callback.New(FeatureSettings, "tz", id(m.Place.ID))}))
	}
	_, err := r.Reply(ctx, handlers.Message{Text: rd.T("meetings.tz.which", locales.Args{"Query": arg}), Buttons: rows})
	return err
}

// loadZone reads an IANA zone name, forgiving its case.
func loadZone(name string) (*time.Location, bool) {
	if !strings.Contains(name, "/") && !strings.EqualFold(name, "UTC") {
		return nil, false
	}
	for _, n := range []string{name, titleZone(name)} {
		if loc, err := time.LoadLocation(n); err == nil && n != "Local" {
			return loc, true
		}
	}
	return nil, false
}

// titleZone capitalises each part of a zone name: "europe/minsk" →
// "Europe/Minsk", "asia/ust-nera" → "Asia/Ust-Nera".
func titleZone(name string) string {
	if strings.EqualFold(name, "UTC") {
		return "UTC"
	}
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}

func (s *Service) showZone(ctx context.Context, r *handlers.Request, rd reader) error {
	loc, src := s.zone(r.Member)
	now := s.now()
	source := [...]string{"meetings.tz.source_default", "meetings.tz.source_municipality", "meetings.tz.source_own"}[src]
	text := rd.T("meetings.tz.current", locales.Args{"Zone": s.zoneLabel(loc, now, rd.lang), "Name": loc.String(), "Time": rd.clock(now)}) +
		"\n" + rd.T(source, nil) + "\n\n" + rd.T("meetings.tz.usage", nil)
	var buttons [][]handlers.Button
	if src == zoneOwn {
		buttons = [][]handlers.Button{handlers.Row(handlers.Button{Text: rd.T("meetings.button.tz_auto", nil), Data: callback.New(FeatureSettings, "tzauto")})}
	}
	_, err := r.Reply(ctx, handlers.Message{Text: text, Buttons: buttons})
	return err
}

// setZone stores a member's own zone ("" for the municipality's) and moves
// their morning digest to the new zone's morning.
func (s *Service) setZone(ctx context.Context, r *handlers.Request, zone string) error {
	now := s.now()
	member := r.Member
	member.TimeZone = zone
	loc, src := s.zone(member)
	set, err := s.DB.ReminderSettings(ctx, r.User.ID)
	if err != nil {
		return fmt.Errorf("meetings: set time zone: %w", err)
	}
	var c store.JobChange
	if set.Digest {
		next, err := s.nextDigest(ctx, r.User.ID, loc, now)
		if err != nil {
			return fmt.Errorf("meetings: set time zone: %w", err)
		}
		c = store.JobChange{
			Cancel: store.JobFilter{Recipient: r.User.ID, Kinds: []string{KindDigest}},
			Add:    []store.Job{next},
		}
	}
	if err := s.DB.SetTimeZone(ctx, r.User.ID, zone, c, now); err != nil {
		return fmt.Errorf("meetings: set time zone: %w", err)
	}
	s.wake()
	r.Member = member
	rd := s.readerOf(r)
	id := "meetings.tz.saved"
	if src != zoneOwn {
		id = "meetings.tz.saved_auto"
	}
	text := rd.T(id, locales.Args{"Zone": s.zoneLabel(loc, now, rd.lang), "Name": loc.String(), "Time": rd.clock(now)})
	r.Toast(text)
	return r.EditOrReply(ctx, handlers.Message{Text: text})
}

// SettingsButton handles the buttons of /reminders, /digest and /timezone.
func (s *Service) SettingsButton(ctx context.Context, r *handlers.Request) error {
	if !r.Member.AtLeast(store.RoleMember) {
		return handlers.ErrForbidden
	}
	rd := s.readerOf(r)
	data := r.Callback.Data
	switch data.Action {
	case "lead":
		secs, err := intArg(data, 0)
		lead := time.Duration(secs) * time.Second
		if err != nil || !slices.Contains(presetLeads, lead) {
			return callback.ErrInvalid
		}
		set, err := s.DB.ReminderSettings(ctx, r.User.ID)
		if err != nil {
			return fmt.Errorf("meetings: reminders: %w", err)
		}
		leads := set.Leads
		if !set.Custom {
			leads = slices.Clone(s.defaultLeads())
		}
		if i := slices.Index(leads, lead); i >= 0 {
			leads = slices.Delete(leads, i, i+1)
		} else {
			leads = append(leads, lead)
		}
		slices.SortFunc(leads, func(a, b time.Duration) int { return cmp.Compare(b, a) })
		return s.setLeads(ctx, r, rd, true, leads)
	case "default":
		return s.setLeads(ctx, r, rd, false, nil)
	case "off":
		return s.setLeads(ctx, r, rd, true, nil)
	case "digest":
		panel := data.Arg(1) == "panel"
		switch data.Arg(0) {
		case "on":
			return s.setDigest(ctx, r, rd, true, panel)
		case "off":
			return s.setDigest(ctx, r, rd, false, panel)
		}
	case "tz":
		n, err := intArg(data, 0)
		if err != nil {
			return err
		}
		p, ok := s.Dir.ByID(n)
		if !ok || p.TimeZone == "" {
			return callback.ErrInvalid
		}
		return s.setZone(ctx, r, p.TimeZone)
	case "tzauto":
		return s.setZone(ctx, r, "")
	}
	return callback.ErrInvalid
}
