package practices

import (
	"errors"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/practices/index"
	"github.com/pobratim/pobratim/store"
)

func TestWhoMayWritePractices(t *testing.T) {
	f := newFixture(t)
	newcomer := f.member(1, "Vitebsk", "ru", store.RoleNewcomer, "")
	member := f.member(2, "Vitebsk", "ru", store.RoleMember, "")
	coordinator := f.member(3, "Minsk", "ru", store.RoleCoordinator, "")

	if err := f.command(newcomer, "practice", ""); !errors.Is(err, handlers.ErrForbidden) {
		t.Fatalf("newcomer: %v", err)
	}
	must(t, f.command(member, "practice", "Smolensk"))
	if got := f.out.last(t, 2).msg.Text; got != f.text("ru", "practice.own_only", nil) {
		t.Fatalf("member on behalf of another municipality: %q", got)
	}
	if _, active, _ := f.s.Dialogs.GetDialog(f.ctx, 2); active {
		t.Fatal("dialog started on behalf of another municipality")
	}
	// A coordinator publishes on behalf of Smolensk.
	must(t, f.command(coordinator, "practice", "Smolensk"))
	d, active, err := f.s.Dialogs.GetDialog(f.ctx, 3)
	if err != nil || !active || d.Data[keyPlace] != id(f.place("Smolensk")) {
		t.Fatalf("coordinator's dialog: %+v %v %v", d, active, err)
	}
	// Picking a homonym is for coordinators only.
	if _, err := f.press(member, 1, callback.New(FeaturePractice, "pick", id(f.place("Smolensk")))); !errors.Is(err, handlers.ErrForbidden) {
		t.Fatalf("member picks a place: %v", err)
	}
	// In a group the dialog is not started.
	r := f.request(member)
	r.ChatType = "supergroup"
	must(t, f.s.Practice(f.ctx, r))
	if got := f.out.last(t, 2).msg.Text; got != f.text("ru", "practice.private_only", nil) {
		t.Fatalf("group: %q", got)
	}
}

func TestEditWithdrawHideRecommendPermissions(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "ru", store.RoleMember, "")
	colleague := f.member(11, "Vitebsk", "ru", store.RoleMember, "") // same municipality, not the author
	coordinator := f.member(12, "Minsk", "en", store.RoleCoordinator, "")
	p := f.publish(author, "Vitebsk", store.Practice{Title: "Школьный музей", Areas: []string{"education"}, ContactOK: true})
	pid := id(p.ID)

	for _, action := range []string{"edit", "wd", "wdy", "hide", "rec"} {
		if _, err := f.press(colleague, 1, callback.New(FeaturePractice, action, pid)); !errors.Is(err, handlers.ErrForbidden) {
			t.Errorf("colleague %s: %v", action, err)
		}
	}
	if _, err := f.press(colleague, 1, callback.New(FeaturePractice, "ef", pid, "title")); !errors.Is(err, handlers.ErrForbidden) {
		t.Errorf("colleague edits a field: %v", err)
	}
	for _, action := range []string{"hide", "rec"} {
		if _, err := f.press(author, 1, callback.New(FeaturePractice, action, pid)); !errors.Is(err, handlers.ErrForbidden) {
			t.Errorf("author %s: %v", action, err)
		}
	}

	// The author edits the title through the edit dialog.
	_, err := f.press(author, 1, callback.New(FeaturePractice, "edit", pid))
	must(t, err)
	menu := f.out.last(t, 10)
	_, err = f.press(author, menu.id, f.button(menu, f.text("ru", "practice.field.title", nil)))
	must(t, err)
	must(t, f.say(author, "Школьный краеведческий музей", nil))
	if got, _ := f.db.Practice(f.ctx, p.ID); got.Title != "Школьный краеведческий музей" {
		t.Fatalf("title after edit: %q", got.Title)
	}
	if _, n, _ := f.s.find(f.ctx, index.Query{Terms: Terms("краеведческий", "ru")}, 0, 5); n != 1 {
		t.Fatal("the edited title is not searchable")
	}
	// The author switches asking off with one press.
	_, err = f.press(author, menu.id, f.button(menu, f.text("ru", "practice.field.contact_true", nil)))
	must(t, err)
	if got, _ := f.db.Practice(f.ctx, p.ID); got.ContactOK {
		t.Fatal("contact consent not switched off")
	}

	// A coordinator hides it: recorded in the audit log, gone from search,
	// the author told; a member cannot open it, the author still can.
	_, err = f.press(coordinator, 1, callback.New(FeaturePractice, "hide", pid))
	must(t, err)
	entries, err := f.db.RecentAudit(f.ctx, 5)
	must(t, err)
	if len(entries) == 0 || entries[0].Action != "practice.hide" || entries[0].Actor != 12 || entries[0].Subject != "practice:"+pid {
		t.Fatalf("audit: %+v", entries)
	}
	if got := f.out.last(t, 10).msg.Text; !strings.Contains(got, "скрыл") {
		t.Fatalf("author not told of hiding: %q", got)
	}
	if _, n, _ := f.s.find(f.ctx, index.Query{}, 0, 5); n != 0 {
		t.Fatal("hidden practice still listed")
	}
	f.press(colleague, 1, callback.New(FeaturePractice, "open", pid))
	if got := f.out.last(t, 11).msg.Text; got != f.text("ru", "practice.gone", nil) {
		t.Fatalf("member opens a hidden practice: %q", got)
	}
	f.press(author, 1, callback.New(FeaturePractice, "open", pid))
	if got := f.out.last(t, 10).msg.Text; !strings.Contains(got, f.text("ru", "practice.hidden_mark", nil)) {
		t.Fatalf("author opens their hidden practice: %q", got)
	}
	_, err = f.press(coordinator, 1, callback.New(FeaturePractice, "show", pid))
	must(t, err)
	_, err = f.press(coordinator, 1, callback.New(FeaturePractice, "rec", pid))
	must(t, err)
	if got, _ := f.db.Practice(f.ctx, p.ID); !got.Recommended || got.Status != store.PracticePublished {
		t.Fatalf("after show and recommend: %+v", got)
	}
	coordView := f.out.last(t, 12)
	if labels := strings.Join(buttonLabels(coordView.msg), "|"); !strings.Contains(labels, f.text("en", "practice.button.unrecommend", nil)) ||
		!strings.Contains(labels, f.text("en", "practice.button.edit", nil)) {
		t.Fatalf("coordinator's buttons: %q", labels)
	}

	// The author withdraws it, after confirming.
	_, err = f.press(author, 1, callback.New(FeaturePractice, "wd", pid))
	must(t, err)
	confirm := f.out.last(t, 10)
	_, err = f.press(author, confirm.id, f.button(confirm, f.text("ru", "practice.button.withdraw_yes", nil)))
	must(t, err)
	if got, _ := f.db.Practice(f.ctx, p.ID); got.Status != store.PracticeWithdrawn {
		t.Fatalf("status after withdrawing: %s", got.Status)
	}
	f.press(coordinator, 1, callback.New(FeaturePractice, "open", pid))
	if got := f.out.last(t, 12).msg.Text; got != f.text("en", "practice.gone", nil) {
		t.Fatalf("withdrawn practice opened: %q", got)
	}
	if _, err := f.press(author, 1, callback.New(FeaturePractice, "ef", pid, "nonsense")); !errors.Is(err, callback.ErrInvalid) {
		t.Fatalf("unknown field: %v", err)
	}
}

func TestEditAreasAndFile(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "en", store.RoleMember, "")
	p := f.publish(author, "Vitebsk", store.Practice{Title: "Bike lanes", Areas: []string{"transport"}, FileKind: store.PracticePhoto,
		FileID: "AgAC", ContactOK: true})
	pid := id(p.ID)

	_, err := f.press(author, 1, callback.New(FeaturePractice, "ef", pid, "areas"))
	must(t, err)
	picker := f.out.last(t, 10)
	_, err = f.press(author, picker.id, callback.New(FeaturePractice, "ar", "7")) // urban on
	must(t, err)
	_, err = f.press(author, picker.id, callback.New(FeaturePractice, "ard"))
	must(t, err)
	if got, _ := f.db.Practice(f.ctx, p.ID); strings.Join(got.Areas, ",") != "urban,transport" {
		t.Fatalf("areas after edit: %v", got.Areas)
	}

	// The photo is sent again by its file id; then removed.
	_, err = f.press(author, 1, callback.New(FeaturePractice, "file", pid))
	must(t, err)
	if doc := f.out.last(t, 10).msg.Document; doc == nil || doc.FileID != "AgAC" || !doc.Photo {
		t.Fatalf("attachment sent as %+v", doc)
	}
	_, err = f.press(author, 1, callback.New(FeaturePractice, "ef", pid, "file"))
	must(t, err)
	q := f.out.last(t, 10)
	_, err = f.press(author, q.id, f.button(q, f.text("en", "practice.button.no_file", nil)))
	must(t, err)
	if got, _ := f.db.Practice(f.ctx, p.ID); got.FileID != "" || got.FileKind != "" {
		t.Fatalf("file after removing: %+v", got)
	}
	if _, err := f.press(author, 1, callback.New(FeaturePractice, "file", pid)); !errors.Is(err, callback.ErrInvalid) {
		t.Fatalf("file button without a file: %v", err)
	}
}
