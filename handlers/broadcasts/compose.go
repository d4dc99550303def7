package broadcasts

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts/audience"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/meetings/when"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// Dialog steps of FlowCompose.
const (
	stepContent = "content"
	stepMenu    = "menu" // buttons only
	stepRegions = "regions"
	stepPlaces  = "places"
	stepWhen    = "when"
	stepLocal   = "local"
	stepLink    = "link"
)

// Dialog data keys.
const (
	keyKind   = "kind"
	keyBody   = "body"
	keyFile   = "file"
	keyName   = "fname"
	keyAud    = "aud"
	keyAt     = "at"
	keyLocal  = "local"
	keyLink   = "link"
	keyLText  = "ltext"
	keyForum  = "forum"
	keyMand   = "mand"
	keyView   = "view"
	keyStart  = "start" // an audience chosen before the dialog, e.g. a forum's registrants
	viewAud   = "aud"
	viewAreas = "areas"
	viewForum = "forums"
	viewRSVP  = "rsvp"
	viewOpts  = "opts"
)

func cb(action string, args ...string) callback.Data {
	return callback.New(FeatureCompose, action, args...)
}

func btn(text, action string, args ...string) handlers.Button {
	return handlers.Button{Text: text, Data: cb(action, args...)}
}

// Broadcast answers /broadcast: it starts the dialog.
func (s *Service) Broadcast(ctx context.Context, r *handlers.Request) error {
	return s.startCompose(ctx, r, audience.Audience{})
}

func (s *Service) startCompose(ctx context.Context, r *handlers.Request, a audience.Audience) error {
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	d := state.Dialog{Flow: FlowCompose, Step: stepContent, Data: map[string]string{keyAud: a.Encode()}}
	if cur, ok, err := s.Dialogs.GetDialog(ctx, r.ChatID); err != nil {
		return fmt.Errorf("broadcasts: dialog: %w", err)
	} else if ok {
		d.Version = cur.Version
	}
	if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("broadcasts: start dialog: %w", err)
	}
	return r.ReplyText(ctx, "broadcast.ask.content", nil)
}

// DialogInput handles what a person sends during the dialog: the content,
// or an answer typed for a step.
func (s *Service) DialogInput(ctx context.Context, r *handlers.Request) error {
	d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("broadcasts: dialog: %w", err)
	}
	if !active || d.Flow != FlowCompose {
		return r.ReplyText(ctx, "unknown.text", nil)
	}
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	if d.Data == nil {
		d.Data = map[string]string{}
	}
	text := strings.TrimSpace(r.Text)
	switch d.Step {
	case stepContent:
		if note := readContent(r, d.Data); note != "" {
			return r.ReplyText(ctx, note, locales.Args{"Count": limitFor(d.Data)})
		}
		d.Data[keyView] = viewAud
	case stepRegions, stepPlaces:
		a, _ := audience.Decode(d.Data[keyAud])
		var unknown []string
		if d.Step == stepRegions {
			a.Regions, unknown = s.readRegions(text, a.Regions)
		} else {
			a.Places, unknown = s.readPlaces(text, a.Places)
		}
		if len(unknown) > 0 {
			if err := r.ReplyText(ctx, "broadcast.unknown_names", locales.Args{"List": strings.Join(unknown, ", ")}); err != nil {
				return err
			}
		}
		d.Data[keyAud] = a.Encode()
		d.Data[keyView] = viewAud
	case stepWhen, stepLocal:
		zone := Zone(s.Dir, r.Member)
		res, err := when.Parse(text, s.now(), zone)
		switch {
		case errors.Is(err, when.ErrPast):
			return r.ReplyText(ctx, "broadcast.when.past", nil)
		case err != nil || len(res.Ambiguous) > 0 || !res.HasTime:
			return r.ReplyText(ctx, "broadcast.when.unclear", nil)
		}
		if d.Step == stepWhen {
			d.Data[keyAt], d.Data[keyLocal] = res.At.UTC().Format(time.RFC3339), ""
		} else {
			d.Data[keyLocal], d.Data[keyAt] = res.At.Format(LocalLayout), ""
		}
		d.Data[keyView] = viewOpts
	case stepLink:
		raw, label, _ := strings.Cut(text, " ")
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return r.ReplyText(ctx, "broadcast.link.invalid", nil)
		}
		d.Data[keyLink], d.Data[keyLText] = u.String(), truncate(strings.TrimSpace(label), 60)
		d.Data[keyView] = viewOpts
	default:
		return r.ReplyText(ctx, "broadcast.use_buttons", nil)
	}
	d.Step = stepMenu
	if d, err = s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("broadcasts: save dialog: %w", err)
	}
	if d.Data[keyView] == viewOpts {
		if err := s.preview(ctx, r, d); err != nil {
			return err
		}
	}
	m, err := s.menu(ctx, r, d)
	if err != nil {
		return err
	}
	_, err = r.Reply(ctx, m)
	return err
}

// readContent takes the announcement from what was sent, or returns the id
// of a message saying why it cannot be.
func readContent(r *handlers.Request, data map[string]string) string {
	// Keep the coordinator's bold, italics and links.
	body := strings.TrimSpace(r.HTML)
	if body == "" {
		body = html.EscapeString(strings.TrimSpace(r.Text))
	}
	switch {
	case r.Photo != nil:
		data[keyKind], data[keyFile], data[keyName] = "photo", r.Photo.FileID, ""
	case r.Document != nil:
		data[keyKind], data[keyFile], data[keyName] = "document", r.Document.FileID, r.Document.Name
	case body == "":
		return "broadcast.ask.content"
	default:
		data[keyKind], data[keyFile], data[keyName] = "text", "", ""
	}
	data[keyBody] = body
	if plainLen(body) > limitFor(data) {
		return "broadcast.too_long"
	}
	return ""
}

func limitFor(data map[string]string) int {
	if data[keyKind] == "text" || data[keyKind] == "" {
		return MaxText
	}
	return MaxCaption
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// readRegions adds the regions named (comma or line separated) to codes
// and returns the names it does not know.
func (s *Service) readRegions(text string, codes []string) ([]string, []string) {
	var unknown []string
	for _, name := range splitNames(text) {
		key := strings.ToLower(name)
		found := ""
		for _, reg := range s.Dir.Regions() {
			for _, n := range append([]string{reg.NameRU, reg.NameBE, reg.NameEN, reg.Code}, reg.Aliases...) {
				if n != "" && strings.ToLower(n) == key {
					found = reg.Code
				}
			}
			if found == "" {
				for _, n := range []string{reg.NameRU, reg.NameBE, reg.NameEN} {
					if n != "" && len([]rune(key)) >= 4 && strings.HasPrefix(strings.ToLower(n), key) {
						found = reg.Code
					}
				}
			}
			if found != "" {
				break
			}
		}
		if found == "" {
			unknown = append(unknown, name)
		} else if !contains(codes, found) {
			codes = append(codes, found)
		}
	}
	return codes, unknown
}

// readPlaces adds the municipalities named to ids, each the best match of
// the directory, and returns the names it does not know.
func (s *Service) readPlaces(text string, ids []int64) ([]int64, []string) {
	var unknown []string
	for _, name := range splitNames(text) {
		res := s.Dir.Resolve(name, 1)
		if len(res.Matches) == 0 {
			unknown = append(unknown, name)
			continue
		}
		if id := res.Matches[0].Place.ID; !contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, unknown
}

func splitNames(text string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == ';' || c == '\n' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// draft builds the broadcast the dialog describes.
func (s *Service) draft(r *handlers.Request, d state.Dialog) store.Broadcast {
	b := store.Broadcast{
		AuthorID: r.User.ID, Kind: d.Data[keyKind], Body: d.Data[keyBody], FileID: d.Data[keyFile],
		FileName: d.Data[keyName], Audience: d.Data[keyAud], Mandatory: d.Data[keyMand] == "1",
		LinkURL: d.Data[keyLink], LinkText: d.Data[keyLText], LocalTime: d.Data[keyLocal], ProgressChat: r.ChatID,
	}
	b.ForumID, _ = strconv.ParseInt(d.Data[keyForum], 10, 64)
	if at, err := time.Parse(time.RFC3339, d.Data[keyAt]); err == nil {
		b.SendAt = at
	}
	return b
}

// menu renders the dialog's control message for its current view.
func (s *Service) menu(ctx context.Context, r *handlers.Request, d state.Dialog) (handlers.Message, error) {
	a, err := audience.Decode(d.Data[keyAud])
	if err != nil {
		return handlers.Message{}, callback.ErrInvalid
	}
	b := s.draft(r, d)
	chosen, _, err := s.selectRecipients(ctx, a, b)
	if err != nil {
		return handlers.Message{}, err
	}
	forumName := ""
	if a.Forum != 0 {
		if f, err := s.DB.Forum(ctx, a.Forum); err == nil {
			forumName = f.Name
		}
	}
	desc := describe(s.Text, s.Dir, r.Lang, a, forumName)
	mark := func(on bool, text string) string {
		if on {
			return "✅ " + text
		}
		return text
	}
	var rows [][]handlers.Button
	switch d.Data[keyView] {
	case viewAreas:
		for i := 0; i < len(partners.Areas); i += 2 {
			var row []handlers.Button
			for _, area := range partners.Areas[i:min(i+2, len(partners.Areas))] {
				row = append(row, btn(mark(contains(a.Areas, area), r.T("area."+area, nil)), "a", area))
			}
			rows = append(rows, row)
		}
		rows = append(rows, handlers.Row(btn(r.T("broadcast.button.back", nil), "back")))
	case viewForum, viewRSVP:
		action := "f"
		if d.Data[keyView] == viewRSVP {
			action = "rf"
		}
		forums, err := s.DB.UpcomingForums(ctx, s.now())
		if err != nil {
			return handlers.Message{}, err
		}
		for _, f := range forums {
			on := a.Forum == f.ID
			if action == "rf" {
				on = d.Data[keyForum] == itoa(f.ID)
			}
			rows = append(rows, handlers.Row(btn(mark(on, truncate(f.Name, 50)), action, itoa(f.ID))))
		}
		back := "back"
		if action == "rf" {
			back = "opts"
		}
		rows = append(rows, handlers.Row(btn(r.T("broadcast.button.back", nil), back)))
	case viewOpts:
		whenText := r.T("broadcast.when.now", nil)
		if !b.SendAt.IsZero() {
			whenText = r.T("broadcast.when.at", locales.Args{"Time": b.SendAt.In(Zone(s.Dir, r.Member)).Format("02.01.2006 15:04")})
		} else if b.LocalTime != "" {
			t, _ := time.Parse(LocalLayout, b.LocalTime)
			whenText = r.T("broadcast.when.local", locales.Args{"Time": t.Format("02.01.2006 15:04")})
		}
		text := r.N("broadcast.options", len(chosen), locales.Args{"Audience": locales.HTML(desc), "When": whenText})
		rows = append(rows,
			handlers.Row(btn(r.T("broadcast.button.who", nil), "who"), btn(r.T("broadcast.button.test", nil), "test")),
			handlers.Row(btn(r.T("broadcast.button.when", nil), "when"), btn(r.T("broadcast.button.local", nil), "local"),
				btn(r.T("broadcast.button.now", nil), "now")),
			handlers.Row(btn(r.T("broadcast.button.link", nil), "link"), btn(mark(b.ForumID != 0, r.T("broadcast.button.rsvp", nil)), "rsvp")),
		)
		if r.Member.AtLeast(store.RoleAdmin) {
			rows = append(rows, handlers.Row(btn(mark(b.Mandatory, r.T("broadcast.button.mandatory", nil)), "mand")))
		}
		rows = append(rows,
			handlers.Row(btn(r.T("broadcast.button.audience", nil), "back")),
			handlers.Row(btn(r.T("broadcast.button.confirm", nil), "ok"), btn(r.T("broadcast.button.cancel", nil), "x")))
		return handlers.Message{Text: text, Buttons: rows}, nil
	default:
		rows = append(rows,
			handlers.Row(btn(mark(a.All(), r.T("broadcast.button.all", nil)), "all")),
			handlers.Row(btn(mark(contains(a.Countries, "RU"), r.T("broadcast.country.ru", nil)), "c", "RU"),
				btn(mark(contains(a.Countries, "BY"), r.T("broadcast.country.by", nil)), "c", "BY")),
			handlers.Row(btn(mark(len(a.Regions) > 0, r.T("broadcast.button.regions", nil)), "regions"),
				btn(mark(len(a.Places) > 0, r.T("broadcast.button.places", nil)), "places")),
			handlers.Row(btn(mark(len(a.Areas) > 0, r.T("broadcast.button.areas", nil)), "areas"),
				btn(mark(a.Forum != 0, r.T("broadcast.button.forum", nil)), "forums")),
		)
		var roleRow []handlers.Button
		for _, role := range []store.Role{store.RoleMember, store.RoleCoordinator, store.RoleAdmin} {
			roleRow = append(roleRow, btn(mark(contains(a.Roles, role), r.T("role."+string(role), nil)), "o", string(role)))
		}
		rows = append(rows, roleRow,
			handlers.Row(btn(r.T("broadcast.button.preview", nil), "done"), btn(r.T("broadcast.button.cancel", nil), "x")))
	}
	text := r.N("broadcast.audience.menu", len(chosen), locales.Args{"Audience": locales.HTML(desc)})
	return handlers.Message{Text: text, Buttons: rows}, nil
}

// preview sends the broadcast exactly as a recipient reading the author's
// language will see it.
func (s *Service) preview(ctx context.Context, r *handlers.Request, d state.Dialog) error {
	if err := r.ReplyText(ctx, "broadcast.preview", nil); err != nil {
		return err
	}
	_, err := r.Reply(ctx, Render(s.Text, r.Lang, s.draft(r, d)))
	return err
}

// Button handles the dialog's buttons.
func (s *Service) Button(ctx context.Context, r *handlers.Request) error {
	if !r.Member.AtLeast(store.RoleCoordinator) {
		return handlers.ErrForbidden
	}
	d, active, err := s.Dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return fmt.Errorf("broadcasts: dialog: %w", err)
	}
	if !active || d.Flow != FlowCompose || d.Step == stepContent {
		return callback.ErrInvalid
	}
	a, err := audience.Decode(d.Data[keyAud])
	if err != nil {
		return callback.ErrInvalid
	}
	data := r.Callback.Data
	arg := data.Arg(0)
	ask := func(step, id string) error {
		d.Step = step
		if _, err := s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
			return fmt.Errorf("broadcasts: save dialog: %w", err)
		}
		return r.ReplyText(ctx, id, nil)
	}
	switch data.Action {
	case "all":
		a = audience.Audience{}
	case "c":
		if arg != "RU" && arg != "BY" {
			return callback.ErrInvalid
		}
		a.Countries = audience.Toggle(a.Countries, arg)
	case "o":
		role := store.Role(arg)
		if role != store.RoleMember && role != store.RoleCoordinator && role != store.RoleAdmin {
			return callback.ErrInvalid
		}
		a.Roles = audience.Toggle(a.Roles, role)
	case "a":
		if !contains(partners.Areas, arg) {
			return callback.ErrInvalid
		}
		a.Areas = audience.Toggle(a.Areas, arg)
	case "f", "rf":
		id, err := argID(r, 0)
		if err != nil {
			return err
		}
		if data.Action == "f" {
			if a.Forum == id {
				id = 0
			}
			a.Forum = id
		} else if d.Data[keyForum] == itoa(id) {
			d.Data[keyForum] = ""
		} else {
			d.Data[keyForum] = itoa(id)
		}
	case "areas":
		d.Data[keyView] = viewAreas
	case "forums":
		d.Data[keyView] = viewForum
	case "rsvp":
		d.Data[keyView] = viewRSVP
	case "back":
		d.Data[keyView] = viewAud
	case "opts":
		d.Data[keyView] = viewOpts
	case "regions":
		return ask(stepRegions, "broadcast.ask.regions")
	case "places":
		return ask(stepPlaces, "broadcast.ask.places")
	case "when":
		return ask(stepWhen, "broadcast.ask.when")
	case "local":
		return ask(stepLocal, "broadcast.ask.local")
	case "link":
		return ask(stepLink, "broadcast.ask.link")
	case "now":
		d.Data[keyAt], d.Data[keyLocal] = "", ""
	case "mand":
		if !r.Member.AtLeast(store.RoleAdmin) {
			return handlers.ErrForbidden
		}
		if d.Data[keyMand] == "1" {
			d.Data[keyMand] = ""
		} else {
			d.Data[keyMand] = "1"
		}
	case "done":
		d.Data[keyView] = viewOpts
		d.Step = stepMenu
		d.Data[keyAud] = a.Encode()
		if d, err = s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
			return fmt.Errorf("broadcasts: save dialog: %w", err)
		}
		if err := s.preview(ctx, r, d); err != nil {
			return err
		}
		m, err := s.menu(ctx, r, d)
		if err != nil {
			return err
		}
		_, err = r.Reply(ctx, m)
		return err
	case "who":
		return s.who(ctx, r, d)
	case "test":
		if _, err := r.Reply(ctx, Render(s.Text, r.Lang, s.draft(r, d))); err != nil {
			return err
		}
		r.Toast(r.T("broadcast.test_sent", nil))
		return nil
	case "x":
		if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
			return fmt.Errorf("broadcasts: end dialog: %w", err)
		}
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("broadcast.cancelled", nil)})
	case "ok":
		return s.confirm(ctx, r, d)
	default:
		return callback.ErrInvalid
	}
	d.Data[keyAud] = a.Encode()
	d.Step = stepMenu
	if d, err = s.Dialogs.PutDialog(ctx, r.ChatID, d, handlers.DialogTTL); err != nil {
		return fmt.Errorf("broadcasts: save dialog: %w", err)
	}
	m, err := s.menu(ctx, r, d)
	if err != nil {
		return err
	}
	return r.EditOrReply(ctx, m)
}

// maxListed is how many recipients the "who" button lists.
const maxListed = 50

func (s *Service) who(ctx context.Context, r *handlers.Request, d state.Dialog) error {
	a, _ := audience.Decode(d.Data[keyAud])
	chosen, _, err := s.selectRecipients(ctx, a, s.draft(r, d))
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(r.N("broadcast.who.title", len(chosen), nil))
	for i, m := range chosen {
		if i == maxListed {
			b.WriteString("\n" + r.N("broadcast.who.more", len(chosen)-maxListed, nil))
			break
		}
		place := ""
		if p, ok := s.Dir.ByID(m.MunicipalityID); ok {
			place = p.Name(r.Lang)
		}
		b.WriteString("\n" + r.T("broadcast.who.line", locales.Args{"Name": displayName(m.Member), "Place": place}))
	}
	_, err = r.Reply(ctx, handlers.Message{Text: b.String()})
	return err
}

func displayName(m store.Member) string {
	name := strings.TrimSpace(m.FirstName + " " + m.LastName)
	if name == "" && m.Username != "" {
		name = "@" + m.Username
	}
	if name == "" {
		name = strconv.FormatInt(m.UserID, 10)
	}
	return name
}
