package practices

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

func TestAskAcceptExchangesContactsAndPlansVisit(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "be", store.RoleMember, "намеснік старшыні")
	colleague := f.member(11, "Vitebsk", "en", store.RoleMember, "")
	f.member(12, "Vitebsk", "ru", store.RoleNewcomer, "") // not verified: not asked
	asker := f.member(20, "Smolensk", "ru", store.RoleMember, "заместитель главы")
	p := f.publish(author, "Vitebsk", store.Practice{Lang: "be", Title: "Маршрут Шагала", Areas: []string{"tourism"},
		Result: "+40%", ContactOK: true})

	ask := callback.New(FeaturePractice, "ask", id(p.ID))
	_, err := f.press(asker, 1, ask)
	must(t, err)
	if got, want := f.out.last(t, 20).msg.Text, f.cat.Plural("ru", "practice.ask.sent", 2,
		locales.Args{"Place": "Витебск", "Title": "Маршрут Шагала"}); got != want {
		t.Fatalf("asker told %q, want %q", got, want)
	}
	if len(f.out.to(12)) != 0 {
		t.Fatal("a newcomer was asked")
	}
	// Each member of Vitebsk gets the request in their own language, with
	// the asker's name, position and municipality, and no contact yet.
	toAuthor := f.out.last(t, 10)
	for _, want := range []string{"User20", "заместитель главы", "Смаленск", "Маршрут Шагала"} {
		if !strings.Contains(toAuthor.msg.Text, want) {
			t.Errorf("request lacks %q: %q", want, toAuthor.msg.Text)
		}
	}
	if strings.Contains(toAuthor.msg.Text, "tg://user") || strings.Contains(toAuthor.msg.Text, "+375") {
		t.Errorf("contacts shown before accepting: %q", toAuthor.msg.Text)
	}
	toColleague := f.out.last(t, 11)
	if !strings.Contains(toColleague.msg.Text, "would like to learn more") {
		t.Errorf("colleague's request not in English: %q", toColleague.msg.Text)
	}

	// Asking twice is refused; the practice counts one ask.
	_, err = f.press(asker, 1, ask)
	must(t, err)
	if got := f.out.last(t, 20).msg.Text; got != f.text("ru", "practice.ask.already", locales.Args{"Title": p.Title}) {
		t.Fatalf("second ask: %q", got)
	}
	if got, _ := f.db.Practice(f.ctx, p.ID); got.Asks != 1 {
		t.Fatalf("asks = %d", got.Asks)
	}

	// Someone from elsewhere cannot answer.
	stranger := f.member(30, "Orsha", "ru", store.RoleMember, "")
	yes := f.button(toAuthor, f.text("be", "practice.button.accept", nil))
	if _, err := f.press(stranger, toAuthor.id, yes); !errors.Is(err, handlers.ErrForbidden) {
		t.Fatalf("stranger's answer: %v", err)
	}

	_, err = f.press(author, toAuthor.id, yes)
	must(t, err)
	accepted := f.out.last(t, 20)
	for _, want := range []string{`href="tg://user?id=10"`, "@user10", "+375 29 000 00 00", "намеснік старшыні"} {
		if !strings.Contains(accepted.msg.Text, want) {
			t.Errorf("asker did not get the contact %q: %q", want, accepted.msg.Text)
		}
	}
	mine := f.out.last(t, 10)
	if !mine.edit || !strings.Contains(mine.msg.Text, `href="tg://user?id=20"`) {
		t.Errorf("author did not get the asker's contact: %+v", mine)
	}
	// The first answer stands.
	_, err = f.press(colleague, toColleague.id, f.button(toColleague, f.text("en", "practice.button.decline", nil)))
	must(t, err)
	if got := f.out.last(t, 11).msg.Text; got != f.text("en", "practice.ask.answered_already", nil) {
		t.Fatalf("second answer: %q", got)
	}

	// "Plan a visit": without the visit dialog wired, a hint; with it, the
	// /visit command runs with Vitebsk filled in.
	visit := f.button(accepted, f.text("ru", "practice.button.visit", locales.Args{"Place": "Витебск"}))
	_, err = f.press(asker, accepted.id, visit)
	must(t, err)
	if got := f.out.last(t, 20).msg.Text; !strings.Contains(got, "/visit Витебск (Витебская область)") {
		t.Fatalf("visit hint: %q", got)
	}
	var ran *handlers.Request
	f.s.Visit = func(_ context.Context, r *handlers.Request) error { ran = r; return nil }
	_, err = f.press(asker, accepted.id, visit)
	must(t, err)
	if ran == nil || ran.Command != "visit" || ran.Args != "Витебск (Витебская область)" || ran.Callback != nil {
		t.Fatalf("visit ran with %+v", ran)
	}
	if res := f.dir.Resolve(ran.Args, 2); len(res.Matches) != 1 || res.Matches[0].Place.ID != p.MunicipalityID {
		t.Fatalf("the visit query %q does not name Vitebsk alone: %+v", ran.Args, res.Matches)
	}
}

func TestAskDeclinedAndRefusals(t *testing.T) {
	f := newFixture(t)
	author := f.member(10, "Vitebsk", "be", store.RoleMember, "")
	asker := f.member(20, "Smolensk", "en", store.RoleMember, "")
	own := f.member(21, "Vitebsk", "ru", store.RoleMember, "")
	newcomer := f.member(22, "Smolensk", "ru", store.RoleNewcomer, "")
	open := f.publish(author, "Vitebsk", store.Practice{Title: "Open", ContactOK: true})
	closed := f.publish(author, "Vitebsk", store.Practice{Title: "Closed", ContactOK: false})

	if _, err := f.press(newcomer, 1, callback.New(FeaturePractice, "ask", id(open.ID))); !errors.Is(err, handlers.ErrForbidden) {
		t.Fatalf("newcomer asks: %v", err)
	}
	f.press(own, 1, callback.New(FeaturePractice, "ask", id(open.ID)))
	if got := f.out.last(t, 21).msg.Text; got != f.text("ru", "practice.ask.own", nil) {
		t.Fatalf("own municipality: %q", got)
	}
	f.press(asker, 1, callback.New(FeaturePractice, "ask", id(closed.ID)))
	if got := f.out.last(t, 20).msg.Text; got != f.text("en", "practice.ask.no_contact", nil) {
		t.Fatalf("closed practice: %q", got)
	}
	if got, _ := f.db.Practice(f.ctx, closed.ID); got.Asks != 0 {
		t.Fatal("a refused ask was counted")
	}

	_, err := f.press(asker, 1, callback.New(FeaturePractice, "ask", id(open.ID)))
	must(t, err)
	req := f.out.last(t, 10)
	_, err = f.press(author, req.id, f.button(req, f.text("be", "practice.button.decline", nil)))
	must(t, err)
	if got := f.out.last(t, 20).msg.Text; !strings.Contains(got, "declined") || strings.Contains(got, "tg://") {
		t.Fatalf("asker after decline: %q", got)
	}
	if got := f.out.last(t, 10); !got.edit || strings.Contains(got.msg.Text, "tg://") {
		t.Fatalf("author after decline: %+v", got)
	}
	// Forged ask ids are stale buttons.
	if _, err := f.press(author, 1, callback.New(FeaturePractice, "yes", "999")); !errors.Is(err, callback.ErrInvalid) {
		t.Fatalf("forged ask: %v", err)
	}
}
