package broadcasts

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

func TestDueAtPerRecipientLocalTime(t *testing.T) {
	now := time.Date(2026, 12, 24, 5, 0, 0, 0, time.UTC)
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	local := store.Broadcast{LocalTime: "2026-12-24T10:00"}
	for _, tc := range []struct {
		b    store.Broadcast
		zone string
		want time.Time
	}{
		// 10:00 in Minsk and Moscow is 07:00 UTC; in Yekaterinburg 05:00 UTC
		// (now); in Vladivostok it has passed: send now.
		{local, "Europe/Minsk", time.Date(2026, 12, 24, 7, 0, 0, 0, time.UTC)},
		{local, "Europe/Moscow", time.Date(2026, 12, 24, 7, 0, 0, 0, time.UTC)},
		{local, "Europe/Kaliningrad", time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC)},
		{local, "Asia/Yekaterinburg", now},
		{local, "Asia/Vladivostok", now},
		{store.Broadcast{SendAt: now.Add(time.Hour)}, "Asia/Vladivostok", now.Add(time.Hour)},
		{store.Broadcast{}, "Europe/Minsk", now},
	} {
		if got := DueAt(tc.b, zone(tc.zone), now); !got.Equal(tc.want) {
			t.Errorf("%+v in %s: due %v, want %v", tc.b.LocalTime, tc.zone, got, tc.want)
		}
	}
}

func TestZoneOfMember(t *testing.T) {
	if got := Zone(nil, store.Member{TimeZone: "Asia/Omsk"}).String(); got != "Asia/Omsk" {
		t.Errorf("own zone: %s", got)
	}
	if got := Zone(nil, store.Member{}).String(); got != "Europe/Moscow" {
		t.Errorf("default zone: %s", got)
	}
}

func TestReasonIsTelegramsDescription(t *testing.T) {
	tg := errors.New("forbidden, Forbidden: bot was blocked by the user")
	err := fmt.Errorf("bot: sendMessage to 5: %w: %w", handlers.ErrUnreachable, tg)
	if got := reason(err); got != tg.Error() {
		t.Errorf("reason %q", got)
	}
	if got := reason(fmt.Errorf("bot: sendMessage: %w", errors.New("Bad Request: chat not found"))); got != "Bad Request: chat not found" {
		t.Errorf("reason %q", got)
	}
}

func TestRenderCarriesRSVPAndLink(t *testing.T) {
	b := store.Broadcast{Kind: "photo", FileID: "F", Body: "<b>x</b>", ForumID: 3, LinkURL: "https://example.org", LinkText: "Go"}
	m := Render(fakeText{}, "ru", b)
	if m.Document == nil || !m.Document.Photo || m.Document.Caption != "<b>x</b>" || m.Text != "" {
		t.Fatalf("photo rendered as %+v", m)
	}
	if len(m.Buttons) != 2 || m.Buttons[0][0].Data.String() != "fr:rsvp:3:going" || m.Buttons[1][0].URL != "https://example.org" {
		t.Fatalf("buttons %+v", m.Buttons)
	}
	if plainLen("<b>a&amp;b</b>") != 3 {
		t.Fatal("plainLen")
	}
}

type fakeText struct{}

func (fakeText) Text(lang, id string, _ locales.Args) string { return id }
func (fakeText) Plural(lang, id string, n int, _ locales.Args) string {
	return fmt.Sprint(id, n)
}
