package bot

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

var admin = telegramtest.User{ID: adminID, FirstName: "Admin", Username: "assoc_admin", LanguageCode: "ru"}

// join takes u through the join dialog for place, without a phone, and has
// the harness admin approve the request.
func (h *harness) join(t *testing.T, u telegramtest.User, place, position string) {
	t.Helper()
	h.say(admin, "/help") // the admin must have written once to be known
	h.say(u, "/municipality "+place)
	h.say(u, position)
	h.say(u, h.text(locales.Match(u.LanguageCode), "join.button.skip", nil))
	seq := h.srv.LastSeq()
	req := h.after(admin.ID, seq-1)
	if req.Markup == nil {
		t.Fatalf("admin got no request with buttons: %q", req.Text)
	}
	h.press(admin, req.MessageID, req.Markup.InlineKeyboard[0][0].CallbackData)
	h.after(u.ID, seq)
}

func TestJoinDialogApprovedByAdmin(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	h.say(admin, "/help")
	u := telegramtest.User{ID: 3000, FirstName: "Алеся", LanguageCode: "be"}

	h.srv.SendText(u, "/start")
	h.wait(u.ID, 2)
	if got := h.srv.SentTo(u.ID)[1].Text; got != h.text("be", "join.ask_place", nil) {
		t.Fatalf("/start for a newcomer: %q", got)
	}
	if got := h.say(u, "Віцебск").Text; !strings.Contains(got, "Віцебск") {
		t.Fatalf("after the place: %q", got)
	}
	if got := h.say(u, "?").Text; got != h.text("be", "join.bad_position", locales.Args{"Count": 100}) {
		t.Fatalf("bad position: %q", got)
	}
	ask := h.say(u, "Начальнік аддзела міжнародных сувязяў")
	var kb struct {
		Keyboard [][]struct {
			Text           string `json:"text"`
			RequestContact bool   `json:"request_contact"`
		} `json:"keyboard"`
	}
	if err := json.Unmarshal(ask.ReplyKeyboard, &kb); err != nil || !kb.Keyboard[0][0].RequestContact {
		t.Fatalf("no share-contact keyboard: %s", ask.ReplyKeyboard)
	}
	// Someone else's contact is refused.
	seq := h.srv.LastSeq()
	h.srv.InjectUpdate(contactUpdate(u, "+375291112233", 123))
	if got := h.after(u.ID, seq).Text; got != h.text("be", "join.phone_not_yours", nil) {
		t.Fatalf("foreign contact: %q", got)
	}
	seq = h.srv.LastSeq()
	h.srv.SendContact(u, "+375 29 555-01-02")
	if got := h.after(u.ID, seq).Text; got != h.text("be", "join.sent", locales.Args{"Place": "Віцебск"}) {
		t.Fatalf("after sharing the phone: %q", got)
	}
	req := h.after(admin.ID, seq)
	if !strings.Contains(req.Text, "+375 29 555-01-02") || !strings.Contains(req.Text, "Витебск") {
		t.Fatalf("request to the admin: %q", req.Text)
	}
	if got := h.say(u, "/municipality Смоленск").Text; got != h.text("be", "join.pending", nil) {
		t.Fatalf("second request while one waits: %q", got)
	}

	// An ordinary member cannot decide.
	member := telegramtest.User{ID: 3001, LanguageCode: "en"}
	h.verified(t, member, "Smolensk")
	approve := req.Markup.InlineKeyboard[0][0].CallbackData
	if got := h.press(member, req.MessageID, approve).Text; got != h.text("en", "error.forbidden", nil) {
		t.Fatalf("member deciding: %q", got)
	}
	seq = h.srv.LastSeq()
	h.press(admin, req.MessageID, approve)
	if got := h.after(u.ID, seq).Text; !strings.HasPrefix(got, "✅") {
		t.Fatalf("applicant after approval: %q", got)
	}
	m, err := h.db.Member(ctx, u.ID)
	if err != nil || m.Role != store.RoleMember || m.MunicipalityID != h.place(t, "Vitebsk") || m.Phone != "+375 29 555-01-02" {
		t.Fatalf("member after approval: %+v, %v", m, err)
	}
	if got := h.press(admin, req.MessageID, approve).Text; got != h.text("ru", "join.already_decided", nil) {
		t.Fatalf("second decision: %q", got)
	}
	entries, _ := h.db.RecentAudit(ctx, 5)
	if len(entries) == 0 || entries[0].Action != "approve" || entries[0].Actor != adminID {
		t.Fatalf("audit = %+v", entries)
	}
}

func contactUpdate(u telegramtest.User, phone string, owner int64) models.Update {
	return models.Update{Message: &models.Message{
		ID: 1, Date: int(time.Now().Unix()),
		From:    &models.User{ID: u.ID, FirstName: u.FirstName, LanguageCode: u.LanguageCode},
		Chat:    models.Chat{ID: u.ID, Type: models.ChatTypePrivate},
		Contact: &models.Contact{PhoneNumber: phone, FirstName: "Other", UserID: owner},
	}}
}

// clock is a settable test clock.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
func newClock() *clock                   { return &clock{} }

var inviteLink = regexp.MustCompile(`https://t\.me/pobratim_test_bot\?start=([A-Za-z0-9_-]+)`)

func TestInvites(t *testing.T) {
	clk := newClock()
	h := newHarness(t, Options{Now: clk.Now})
	ctx := context.Background()
	coord := telegramtest.User{ID: 3100, FirstName: "Coord", LanguageCode: "en"}
	h.verified(t, coord, "Vitebsk")
	if err := h.db.SetRole(ctx, coord.ID, store.RoleCoordinator, time.Now()); err != nil {
		t.Fatal(err)
	}
	member := telegramtest.User{ID: 3101, LanguageCode: "en"}
	h.verified(t, member, "Vitebsk")
	if got := h.say(member, "/invite Smolensk").Text; got != h.text("en", "error.forbidden", nil) {
		t.Fatalf("member inviting: %q", got)
	}
	if got := h.say(coord, "/invite Smolensk coordinator").Text; got != h.text("en", "error.forbidden", nil) {
		t.Fatalf("coordinator inviting a coordinator: %q", got)
	}
	created := h.say(coord, "/invite Smolensk 2").Text
	link := inviteLink.FindStringSubmatch(created)
	if link == nil || len(link[1]) > 64 {
		t.Fatalf("no invite link in %q", created)
	}
	a := telegramtest.User{ID: 3102, FirstName: "A", LanguageCode: "ru"}
	b := telegramtest.User{ID: 3103, FirstName: "B", LanguageCode: "be"}
	c := telegramtest.User{ID: 3104, FirstName: "C", LanguageCode: "en"}
	for _, u := range []telegramtest.User{a, b} {
		if got := h.say(u, "/start "+link[1]).Text; !strings.HasPrefix(got, "✅") {
			t.Fatalf("invite use by %d: %q", u.ID, got)
		}
		if m, _ := h.db.Member(ctx, u.ID); !m.Verified() || m.MunicipalityID != h.place(t, "Smolensk") {
			t.Fatalf("after the invite: %+v", m)
		}
	}
	if got := h.say(c, "/start "+link[1]).Text; got != h.text("en", "invite.used_up", nil) {
		t.Fatalf("third use of a two-use invite: %q", got)
	}
	for _, forged := range []string{"AAAAAAAAAAAAAAAAAAAAAAAA", strings.Repeat("x", 65), "<script>"} {
		if got := h.say(c, "/start "+forged).Text; got != h.text("en", "invite.invalid", nil) {
			t.Fatalf("forged %q: %q", forged, got)
		}
	}
	if m, _ := h.db.Member(ctx, c.ID); m.Verified() {
		t.Fatal("a forged invite verified someone")
	}
	late := inviteLink.FindStringSubmatch(h.say(coord, "/invite Smolensk").Text)
	clk.Advance(8 * 24 * time.Hour)
	if got := h.say(c, "/start "+late[1]).Text; got != h.text("en", "invite.expired", nil) {
		t.Fatalf("expired invite: %q", got)
	}
	// An admin may invite coordinators.
	h.say(admin, "/help")
	if got := h.say(admin, "/invite Smolensk coordinator").Text; inviteLink.FindString(got) == "" {
		t.Fatalf("admin inviting a coordinator: %q", got)
	}
}

// TestAuthorizationMatrix runs every command and privileged button as a
// newcomer, a member, a coordinator and an admin.
func TestAuthorizationMatrix(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	roles := []store.Role{store.RoleNewcomer, store.RoleMember, store.RoleCoordinator, store.RoleAdmin}
	users := map[store.Role]telegramtest.User{}
	for i, role := range roles {
		u := telegramtest.User{ID: int64(3200 + i), FirstName: string(role), Username: "user_" + string(role), LanguageCode: "en"}
		h.verified(t, u, "Vitebsk")
		if err := h.db.SetRole(ctx, u.ID, role, time.Now()); err != nil {
			t.Fatal(err)
		}
		users[role] = u
	}
	h.say(users[store.RoleAdmin], "/help")
	h.verified(t, telegramtest.User{ID: 3299, Username: "target"}, "Minsk")
	denied := map[string]bool{h.text("en", "error.forbidden", nil): true, h.text("en", "error.not_verified", nil): true}
	args := map[string]string{"partners": " Smolensk", "city": " Smolensk", "members": " Smolensk", "invite": " Smolensk",
		"grant": " @target coordinator", "revoke": " @target", "municipality": ""}
	for _, c := range h.bot.router.menu {
		for _, role := range roles {
			u := users[role]
			got := h.say(u, "/"+c.Name+args[c.Name])
			allowed := roleRank(role) >= roleRank(c.Role)
			if denied[got.Text] == allowed {
				t.Errorf("/%s as %s: %q (allowed: %v)", c.Name, role, got.Text, allowed)
			}
		}
	}
	buttons := []struct {
		data string
		min  store.Role
	}{
		{callback.New("partners", "propose", "491687").String(), store.RoleMember},
		{callback.New("interests", "toggle", "tourism").String(), store.RoleMember},
		{callback.New("invite", "pick", "491687", "1", "member").String(), store.RoleCoordinator},
		{callback.New("invite", "pick", "491687", "1", "coordinator").String(), store.RoleAdmin},
		{callback.New("members", "pick", "491687").String(), store.RoleMember},
	}
	for _, b := range buttons {
		for _, role := range roles {
			got := h.press(users[role], 1, b.data)
			allowed := roleRank(role) >= roleRank(b.min)
			if denied[got.Text] == allowed {
				t.Errorf("button %s as %s: %q (allowed: %v)", b.data, role, got.Text, allowed)
			}
		}
	}
}

func roleRank(r store.Role) int {
	return map[store.Role]int{store.RoleNewcomer: 0, store.RoleMember: 1, store.RoleCoordinator: 2, store.RoleAdmin: 3}[r]
}

func TestGrantRevokeAndAudit(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	h.say(admin, "/help")
	olga := telegramtest.User{ID: 3300, FirstName: "Olga", Username: "olga_smol", LanguageCode: "ru"}
	h.verified(t, olga, "Smolensk")
	if got := h.say(admin, "/grant @olga_smol coordinator").Text; !strings.Contains(got, "Olga") {
		t.Fatalf("grant: %q", got)
	}
	if m, _ := h.db.Member(ctx, olga.ID); m.Role != store.RoleCoordinator {
		t.Fatalf("role after grant: %s", m.Role)
	}
	if got := h.say(admin, "/grant @nobody admin").Text; got != h.text("ru", "roles.no_such_member", locales.Args{"Query": "@nobody"}) {
		t.Fatalf("grant to an unknown: %q", got)
	}
	if got := h.say(admin, fmt.Sprintf("/revoke %d", adminID)).Text; got != h.text("ru", "roles.self", nil) {
		t.Fatalf("revoking oneself: %q", got)
	}
	h.say(admin, "/revoke @olga_smol")
	if m, _ := h.db.Member(ctx, olga.ID); m.Role != store.RoleMember {
		t.Fatalf("role after revoke: %s", m.Role)
	}
	audit := h.say(admin, "/audit").Text
	if strings.Count(audit, "role member:3300") != 2 {
		t.Fatalf("audit does not show both changes: %q", audit)
	}
}

func TestMembersListAndContacts(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	smol := telegramtest.User{ID: 3400, FirstName: "Olga", Username: "olga_smol", LanguageCode: "en"}
	vit := telegramtest.User{ID: 3401, FirstName: "Yanka", LanguageCode: "en"}
	h.verified(t, smol, "Smolensk")
	h.verified(t, vit, "Vitebsk")
	newcomer := telegramtest.User{ID: 3402, LanguageCode: "en"}
	if got := h.say(newcomer, "/members Smolensk").Text; got != h.text("en", "error.not_verified", nil) {
		t.Fatalf("newcomer: %q", got)
	}
	got := h.say(vit, "/members Smolensk").Text
	if !strings.Contains(got, "Olga") || strings.Contains(got, "olga_smol") || !strings.Contains(got, h.text("en", "members.contacts_hidden", nil)) {
		t.Fatalf("before partnership: %q", got)
	}
	p, err := h.db.CreateProposal(ctx, vit.ID, h.place(t, "Vitebsk"), h.place(t, "Smolensk"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.AnswerProposal(ctx, p.ID, smol.ID, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := h.say(vit, "/members Smolensk").Text; !strings.Contains(got, "@olga_smol") {
		t.Fatalf("after partnership: %q", got)
	}
}

func TestForgetMeLeavesNoPersonalData(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := context.Background()
	h.say(admin, "/help")
	u := telegramtest.User{ID: 3500123, FirstName: "Зміцер", LastName: "Вішнеўскі", Username: "zmicer_unique", LanguageCode: "be"}
	h.say(u, "/municipality Віцебск")
	h.say(u, "Галоўны спецыяліст")
	seq := h.srv.LastSeq()
	h.srv.SendContact(u, "+375297770011")
	h.after(u.ID, seq)
	req := h.after(admin.ID, seq)
	h.press(admin, req.MessageID, req.Markup.InlineKeyboard[0][0].CallbackData)
	// Some records others rely on: a proposal and a declared area.
	list := h.say(u, "/partners")
	h.press(u, list.MessageID, callback.New("partners", "propose", fmt.Sprint(h.place(t, "Smolensk"))).String())
	menu := h.say(u, "/interests")
	h.press(u, menu.MessageID, callback.New("interests", "toggle", "culture").String())

	mydata := h.say(u, "/mydata")
	if mydata.Method != "sendDocument" || !strings.Contains(string(mydata.FileData), "+375297770011") ||
		!strings.Contains(string(mydata.FileData), "Галоўны спецыяліст") {
		t.Fatalf("/mydata: %s %.200s", mydata.Method, mydata.FileData)
	}
	confirm := h.say(u, "/forgetme")
	done := h.press(u, confirm.MessageID, confirm.Markup.InlineKeyboard[0][0].CallbackData)
	if !strings.HasPrefix(done.Text, h.text("be", "privacy.forgotten", nil)) {
		t.Fatalf("after /forgetme: %q", done.Text)
	}
	h.stop() // close the database before searching it

	raw, err := sql.Open("sqlite", "file:"+h.dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tables, err := raw.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	needles := []string{"3500123", "Зміцер", "Вішнеўскі", "zmicer_unique", "+375297770011", "Галоўны спецыяліст"}
	found := 0
	for _, table := range names {
		cols, err := raw.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		var columns []string
		for cols.Next() {
			var c string
			cols.Scan(&c)
			columns = append(columns, c)
		}
		cols.Close()
		for _, col := range columns {
			for _, needle := range needles {
				var n int
				q := fmt.Sprintf(`SELECT COUNT(*) FROM "%s" WHERE instr(CAST("%s" AS TEXT), ?) > 0`, table, col)
				if err := raw.QueryRowContext(ctx, q, needle).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n > 0 {
					found++
					t.Errorf("%s.%s still holds %q in %d rows", table, col, needle, n)
				}
			}
		}
	}
	if len(names) < 8 {
		t.Fatalf("searched only %d tables", len(names))
	}
	// The anonymised proposal is still there.
	var proposals int
	raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM proposals WHERE from_member = 0").Scan(&proposals)
	if proposals != 1 {
		t.Fatalf("%d anonymised proposals kept, want 1", proposals)
	}
}
