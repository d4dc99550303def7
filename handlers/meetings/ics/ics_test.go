package ics_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/arran4/golang-ical"

	"github.com/pobratim/pobratim/handlers/meetings/ics"
)

var stamp = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// component is a parsed BEGIN…END block with its unfolded properties.
type component struct {
	name  string
	props []prop
	subs  []*component
}

type prop struct {
	name   string
	params map[string]string
	value  string
}

func (c *component) get(name string) (prop, bool) {
	for _, p := range c.props {
		if p.name == name {
			return p, true
		}
	}
	return prop{}, false
}

// parseStrict reads an iCalendar file by RFC 5545's rules and fails the test
// on anything a strict importer would refuse: bare LF, lines over 75
// octets, broken UTF-8, unbalanced BEGIN/END, missing required properties.
func parseStrict(t *testing.T, data []byte) *component {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Fatal("file does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets, over 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line %d splits a UTF-8 character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatal("file starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var stack []*component
	var root *component
	for _, l := range lines {
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		parts := strings.Split(head, ";")
		p := prop{name: parts[0], params: map[string]string{}, value: value}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.params[k] = v
		}
		switch p.name {
		case "BEGIN":
			c := &component{name: value}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.subs = append(top.subs, c)
			} else if root != nil {
				t.Fatal("two top-level components")
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].name != value {
				t.Fatalf("END:%s does not close the open component", value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("property outside any component: %q", l)
			}
			top := stack[len(stack)-1]
			top.props = append(top.props, p)
		}
	}
	if len(stack) != 0 || root == nil || root.name != "VCALENDAR" {
		t.Fatal("not one complete VCALENDAR")
	}
	for _, name := range []string{"VERSION", "PRODID"} {
		if _, ok := root.get(name); !ok {
			t.Fatalf("VCALENDAR lacks %s", name)
		}
	}
	zones := map[string]*component{}
	for _, c := range root.subs {
		if c.name == "VTIMEZONE" {
			id, _ := c.get("TZID")
			zones[id.value] = c
			if len(c.subs) == 0 {
				t.Fatalf("VTIMEZONE %s has no observance", id.value)
			}
			for _, o := range c.subs {
				for _, name := range []string{"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"} {
					if _, ok := o.get(name); !ok {
						t.Fatalf("VTIMEZONE %s %s lacks %s", id.value, o.name, name)
					}
				}
			}
		}
	}
	for _, c := range root.subs {
		if c.name != "VEVENT" {
			continue
		}
		for _, name := range []string{"UID", "DTSTAMP", "DTSTART"} {
			if _, ok := c.get(name); !ok {
				t.Fatalf("VEVENT lacks %s", name)
			}
		}
		for _, p := range c.props {
			if tzid, ok := p.params["TZID"]; ok && zones[tzid] == nil {
				t.Fatalf("%s refers to TZID %s with no VTIMEZONE", p.name, tzid)
			}
		}
	}
	return root
}

// instant reads a DTSTART the way a calendar application does: UTC when it
// ends in Z, else the local time of its TZID, using only the VTIMEZONE in
// the file (the observance with the latest start not after the time).
func instant(t *testing.T, root *component, p prop) time.Time {
	t.Helper()
	if strings.HasSuffix(p.value, "Z") {
		at, err := time.Parse("20060102T150405Z", p.value)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	local, err := time.Parse("20060102T150405", p.value)
	if err != nil {
		t.Fatal(err)
	}
	var tz *component
	for _, c := range root.subs {
		if id, _ := c.get("TZID"); c.name == "VTIMEZONE" && id.value == p.params["TZID"] {
			tz = c
		}
	}
	best, offset := time.Time{}, 0
	for _, o := range tz.subs {
		start, _ := o.get("DTSTART")
		st, err := time.Parse("20060102T150405", start.value)
		if err != nil {
			t.Fatal(err)
		}
		if !st.After(local) && (best.IsZero() || st.After(best)) {
			to, _ := o.get("TZOFFSETTO")
			best, offset = st, parseOffset(t, to.value)
		}
	}
	if best.IsZero() {
		t.Fatalf("no observance of %s covers %s", p.params["TZID"], p.value)
	}
	return local.Add(-time.Duration(offset) * time.Second)
}

func parseOffset(t *testing.T, s string) int {
	t.Helper()
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	h, _ := strconv.Atoi(s[1:3])
	m, _ := strconv.Atoi(s[3:5])
	return sign * (h*3600 + m*60)
}

func TestEventsKeepTheirInstantInEveryZone(t *testing.T) {
	cases := []struct {
		zone  string
		local time.Time // wall clock in zone
		want  string    // DTSTART value
	}{
		{"Europe/Moscow", time.Date(2026, 12, 25, 15, 0, 0, 0, time.UTC), "20261225T150000"},
		{"Europe/Minsk", time.Date(2026, 12, 25, 15, 0, 0, 0, time.UTC), "20261225T150000"},
		{"Europe/Kaliningrad", time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC), "20270301T093000"},
		{"Asia/Kamchatka", time.Date(2026, 12, 26, 0, 0, 0, 0, time.UTC), "20261226T000000"},
		// Zones with daylight saving time, in both seasons.
		{"Europe/Berlin", time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), "20260701T100000"},
		{"Europe/Berlin", time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), "20261201T100000"},
		{"America/New_York", time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), "20261101T120000"},
		{"", time.Date(2026, 12, 25, 12, 0, 0, 0, time.UTC), "20261225T120000Z"},
	}
	for _, tc := range cases {
		t.Run(tc.zone, func(t *testing.T) {
			loc := time.UTC
			if tc.zone != "" {
				loc = mustLoad(t, tc.zone)
			}
			start := time.Date(tc.local.Year(), tc.local.Month(), tc.local.Day(), tc.local.Hour(), tc.local.Minute(), 0, 0, loc)
			data, err := ics.Write([]ics.Event{{UID: "meeting-1@pobratim", Sequence: 2, Start: start, Zone: tc.zone, Summary: "Visit"}}, stamp)
			if err != nil {
				t.Fatal(err)
			}
			root := parseStrict(t, data)
			var ev *component
			for _, c := range root.subs {
				if c.name == "VEVENT" {
					ev = c
				}
			}
			dt, _ := ev.get("DTSTART")
			if dt.value != tc.want || dt.params["TZID"] != tc.zone {
				t.Fatalf("DTSTART;TZID=%s:%s, want %s:%s", dt.params["TZID"], dt.value, tc.zone, tc.want)
			}
			if got := instant(t, root, dt); !got.Equal(start) {
				t.Fatalf("an application reads %v, want %v", got.UTC(), start.UTC())
			}
			end, _ := ev.get("DTEND")
			if got := instant(t, root, end); got.Sub(start) != ics.DefaultDuration {
				t.Fatalf("DTEND %v is %v after the start", got, got.Sub(start))
			}
			if seq, _ := ev.get("SEQUENCE"); seq.value != "2" {
				t.Fatalf("SEQUENCE %q", seq.value)
			}
		})
	}
}

func TestTextIsEscapedFoldedAndReadBack(t *testing.T) {
	msk := mustLoad(t, "Europe/Moscow")
	summary := "Визит в Віцебск; форум, туризм \\ культура — " + strings.Repeat("побратимы ", 12)
	location := "Ратуша, пл. Ленина 1\r\nзал №2"
	events := []ics.Event{
		{UID: "meeting-1@pobratim", Start: time.Date(2026, 12, 25, 15, 0, 0, 0, msk), Zone: "Europe/Moscow",
			Summary: summary, Location: location, Description: "line one\nline two", Lat: 55.1904, Lon: 30.2049},
		{UID: "meeting-2@pobratim", Start: time.Date(2026, 12, 26, 10, 0, 0, 0, msk), Zone: "Europe/Moscow",
			Summary: "Cancelled", Cancelled: true},
		{UID: "meeting-3@pobratim", Start: time.Date(2026, 12, 27, 10, 0, 0, 0, mustLoad(t, "Asia/Vladivostok")), Zone: "Asia/Vladivostok",
			Summary: "Far east"},
	}
	data, err := ics.Write(events, stamp)
	if err != nil {
		t.Fatal(err)
	}
	root := parseStrict(t, data)
	var tzs []string
	for _, c := range root.subs {
		if c.name == "VTIMEZONE" {
			id, _ := c.get("TZID")
			tzs = append(tzs, id.value)
		}
	}
	if fmt.Sprint(tzs) != "[Asia/Vladivostok Europe/Moscow]" {
		t.Fatalf("VTIMEZONEs %v, want one per zone used", tzs)
	}

	// The library's own reader, as an importer would use it.
	cal, err := ical.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 3 {
		t.Fatalf("%d events read back", len(evs))
	}
	got := func(e *ical.VEvent, p ical.ComponentProperty) string {
		if v := e.GetProperty(p); v != nil {
			return ical.FromText(v.Value)
		}
		return ""
	}
	if s := got(evs[0], ical.ComponentPropertySummary); s != summary {
		t.Errorf("summary read back as %q", s)
	}
	if s := got(evs[0], ical.ComponentPropertyLocation); s != "Ратуша, пл. Ленина 1\nзал №2" {
		t.Errorf("location read back as %q", s)
	}
	if s := got(evs[0], ical.ComponentPropertyDescription); s != "line one\nline two" {
		t.Errorf("description read back as %q", s)
	}
	if s := evs[0].GetProperty(ical.ComponentPropertyGeo).Value; s != "55.190400;30.204900" {
		t.Errorf("GEO %q", s)
	}
	if s := evs[1].GetProperty(ical.ComponentPropertyStatus).Value; s != "CANCELLED" {
		t.Errorf("status of a cancelled meeting %q", s)
	}
	if s := evs[2].GetProperty(ical.ComponentPropertyStatus).Value; s != "CONFIRMED" {
		t.Errorf("status %q", s)
	}
	if st, err := evs[0].GetDtStampTime(); err != nil || !st.Equal(stamp) {
		t.Errorf("DTSTAMP %v, %v; want %v", st, err, stamp)
	}
}

func TestUnknownZoneIsAnError(t *testing.T) {
	_, err := ics.Write([]ics.Event{{UID: "x", Start: stamp, Zone: "Mars/Olympus"}}, stamp)
	if err == nil {
		t.Fatal("an unknown zone was written")
	}
}

func TestAllDayEventsAreDatesWithoutZone(t *testing.T) {
	for _, tc := range []struct {
		days     time.Duration
		from, to string
	}{
		{0, "20300626", "20300627"},
		{24 * time.Hour, "20300626", "20300627"},
		{3 * 24 * time.Hour, "20300626", "20300629"},
		{3*24*time.Hour + time.Minute, "20300626", "20300630"},
	} {
		data, err := ics.Write([]ics.Event{{UID: "forum-1@pobratim", Start: time.Date(2030, 6, 26, 0, 0, 0, 0, time.UTC),
			Duration: tc.days, Zone: "Europe/Minsk", AllDay: true, Summary: "Форум"}}, stamp)
		if err != nil {
			t.Fatal(err)
		}
		root := parseStrict(t, data)
		var ev *component
		for _, c := range root.subs {
			switch c.name {
			case "VTIMEZONE":
				t.Fatalf("an all-day event wrote a VTIMEZONE")
			case "VEVENT":
				ev = c
			}
		}
		if ev == nil {
			t.Fatal("no VEVENT")
		}
		for name, want := range map[string]string{"DTSTART": tc.from, "DTEND": tc.to} {
			p, ok := ev.get(name)
			if !ok || p.value != want || p.params["VALUE"] != "DATE" || p.params["TZID"] != "" {
				t.Errorf("%v days: %s = %+v, want the date %s", tc.days, name, p, want)
			}
		}
	}
}
