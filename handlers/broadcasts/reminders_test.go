package broadcasts

import (
	"sync"
	"testing"
	"time"

	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

var loadDirectory = sync.OnceValues(directory.Load)

func TestForumOpensAtNineInTheVenueZone(t *testing.T) {
	dir, err := loadDirectory()
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Dir: dir}
	if p, ok := s.venue(store.Forum{City: "Нигдебург-на-Луне"}); ok {
		t.Fatalf("an unknown city resolved to %+v", p)
	}
	day := time.Date(2030, 6, 26, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		city string
		want time.Time // UTC
	}{
		{"Витебск", time.Date(2030, 6, 26, 6, 0, 0, 0, time.UTC)},      // Minsk, UTC+3
		{"Владивосток", time.Date(2030, 6, 25, 23, 0, 0, 0, time.UTC)}, // UTC+10
		{"Калининград", time.Date(2030, 6, 26, 7, 0, 0, 0, time.UTC)},  // UTC+2
		{"Нигдебург-на-Луне", time.Date(2030, 6, 26, 6, 0, 0, 0, time.UTC)},
		{"", time.Date(2030, 6, 26, 6, 0, 0, 0, time.UTC)}, // Moscow time
	} {
		if got := s.opensAt(store.Forum{City: tc.city, StartsOn: day, EndsOn: day}); !got.Equal(tc.want) {
			t.Errorf("%q: opens %v, want %v", tc.city, got, tc.want)
		}
	}
}

func TestForumRemindersSkipPassedLeads(t *testing.T) {
	opens := time.Date(2030, 6, 26, 6, 0, 0, 0, time.UTC)
	leads := []time.Duration{24 * time.Hour, time.Hour}
	for _, tc := range []struct {
		now  time.Time
		want []string
	}{
		{opens.Add(-48 * time.Hour), []string{"forum:7:1908684000:42:86400", "forum:7:1908684000:42:3600"}},
		{opens.Add(-24 * time.Hour), []string{"forum:7:1908684000:42:3600"}}, // due exactly now: passed
		{opens.Add(-30 * time.Minute), nil},
	} {
		got := forumReminders(7, 42, opens, leads, tc.now)
		if len(got) != len(tc.want) {
			t.Fatalf("at %v: %d jobs, want %d", tc.now, len(got), len(tc.want))
		}
		for i, j := range got {
			if j.Key != tc.want[i] || j.Kind != KindForumRemind || j.Recipient != 42 || j.Subject != "forum:7" ||
				!j.DueAt.After(tc.now) || !j.DueAt.Before(opens) {
				t.Errorf("at %v: job %+v, want key %s", tc.now, j, tc.want[i])
			}
		}
	}
}

func TestRSVPJobsFollowThePlace(t *testing.T) {
	day := time.Date(2030, 6, 26, 0, 0, 0, 0, time.UTC)
	s := &Service{}
	now := day.Add(-72 * time.Hour)
	change := s.rsvpJobs(store.Forum{ID: 3, StartsOn: day, EndsOn: day}, 10, now)
	for _, tc := range []struct {
		name     string
		res      store.RSVPResult
		cancel   bool
		toMember map[int64]int
	}{
		{"going", store.RSVPResult{Mine: store.RSVP{Answer: store.RSVPGoing}}, false, map[int64]int{10: 2}},
		{"waitlisted", store.RSVPResult{Mine: store.RSVP{Answer: store.RSVPGoing, Waitlisted: true}}, true, nil},
		{"maybe", store.RSVPResult{Mine: store.RSVP{Answer: store.RSVPMaybe}}, true, nil},
		{"not going, two promoted", store.RSVPResult{Mine: store.RSVP{Answer: store.RSVPNotGoing},
			Promoted: []store.RSVP{{MemberID: 11}, {MemberID: 12}}}, true, map[int64]int{11: 2, 12: 2}},
	} {
		c := change(tc.res)
		if cancel := c.Cancel.Recipient == 10 && c.Cancel.Subject == "forum:3"; cancel != tc.cancel {
			t.Errorf("%s: cancel %+v", tc.name, c.Cancel)
		}
		got := map[int64]int{}
		for _, j := range c.Add {
			got[j.Recipient]++
		}
		if len(got) != len(tc.toMember) {
			t.Errorf("%s: reminders %v, want %v", tc.name, got, tc.toMember)
		}
		for m, n := range tc.toMember {
			if got[m] != n {
				t.Errorf("%s: reminders %v, want %v", tc.name, got, tc.toMember)
			}
		}
	}
}
