// Package ics writes meetings as iCalendar (RFC 5545) files that calendar
// applications import: one VEVENT per meeting, its start written in the
// meeting's own time zone (DTSTART;TZID=…) with a VTIMEZONE describing that
// zone, so that the event stays at the right local time in every
// application.
//
// The VTIMEZONE is computed from Go's time zone database: it lists the
// zone's offset periods from a year before the earliest event to a year
// after the latest, each as its own observance. For the Russian and
// Belarusian zones, which have kept one offset since 2011–2016, that is a
// single STANDARD block.
package ics

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"
)

// ProductID names the program that wrote the calendar.
const ProductID = "-//Pobratim//Meetings//EN"

// Event is one meeting.
type Event struct {
	UID      string // stable across versions of the same meeting
	Sequence int    // grows with every change, so applications update the event
	Start    time.Time
	Duration time.Duration // zero: one hour
	// Zone is the IANA zone the start is written in; "" writes UTC.
	Zone        string
	Summary     string
	Location    string
	Description string
	Cancelled   bool
	// Lat and Lon, when not both zero, become GEO.
	Lat, Lon float64
	// AllDay writes whole days, with no time or zone: from the date of
	// Start to that of Start+Duration, Duration rounded up to whole days.
	AllDay bool
}

// DefaultDuration is the length of a meeting whose end is not known.
const DefaultDuration = time.Hour

// Write returns a calendar holding events, stamped at stamp.
func Write(events []Event, stamp time.Time) ([]byte, error) {
	cal := ical.NewCalendarFor("Pobratim")
	cal.SetProductId(ProductID)
	cal.SetMethod(ical.MethodPublish)
	cal.SetCalscale("GREGORIAN")

	zones := map[string]*time.Location{}
	spans := map[string][2]time.Time{}
	for _, e := range events {
		if e.Zone == "" || e.Zone == "UTC" || e.AllDay {
			continue
		}
		loc, err := time.LoadLocation(e.Zone)
		if err != nil {
			return nil, fmt.Errorf("ics: event %s: %w", e.UID, err)
		}
		zones[e.Zone] = loc
		sp, ok := spans[e.Zone]
		if !ok || e.Start.Before(sp[0]) {
			sp[0] = e.Start
		}
		if !ok || e.Start.After(sp[1]) {
			sp[1] = e.Start
		}
		spans[e.Zone] = sp
	}
	names := make([]string, 0, len(zones))
	for name := range zones {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sp := spans[name]
		cal.AddVTimezone(timezone(name, zones[name], sp[0].AddDate(-1, 0, 0), sp[1].AddDate(1, 0, 0)))
	}

	for _, e := range events {
		ev := cal.AddEvent(e.UID)
		ev.SetDtStampTime(stamp)
		ev.SetSequence(e.Sequence)
		d := e.Duration
		if d <= 0 {
			d = DefaultDuration
		}
		if e.AllDay {
			days := int((d + 24*time.Hour - 1) / (24 * time.Hour))
			ev.SetAllDayStartAt(e.Start)
			ev.SetAllDayEndAt(e.Start.AddDate(0, 0, days))
		} else if loc, ok := zones[e.Zone]; ok {
			ev.SetProperty(ical.ComponentPropertyDtStart, e.Start.In(loc).Format(localFormat), ical.WithTZID(e.Zone))
			ev.SetProperty(ical.ComponentPropertyDtEnd, e.Start.Add(d).In(loc).Format(localFormat), ical.WithTZID(e.Zone))
		} else {
			ev.SetStartAt(e.Start)
			ev.SetEndAt(e.Start.Add(d))
		}
		ev.SetSummary(clean(e.Summary))
		if e.Location != "" {
			ev.SetLocation(clean(e.Location))
		}
		if e.Description != "" {
			ev.SetDescription(clean(e.Description))
		}
		if e.Lat != 0 || e.Lon != 0 {
			ev.SetProperty(ical.ComponentPropertyGeo, fmt.Sprintf("%.6f;%.6f", e.Lat, e.Lon))
		}
		status := ical.ObjectStatusConfirmed
		if e.Cancelled {
			status = ical.ObjectStatusCancelled
		}
		ev.SetStatus(status)
	}
	var buf bytes.Buffer
	if err := cal.SerializeTo(&buf, ical.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("ics: write: %w", err)
	}
	return buf.Bytes(), nil
}

const localFormat = "20060102T150405"

// timezone describes loc between from and to as one observance per offset
// period. An observance starts at the local time (in the offset before it)
// when its period began.
func timezone(name string, loc *time.Location, from, to time.Time) *ical.VTimezone {
	tz := ical.NewTimezone(name)
	t := from.In(loc)
	for {
		start, end := t.ZoneBounds()
		abbr, offset := t.Zone()
		// The offset in force just before this period began.
		prevOffset := offset
		if !start.IsZero() {
			_, prevOffset = start.Add(-time.Second).Zone()
		}
		begin := start
		if begin.IsZero() {
			begin = time.Date(1970, 1, 1, 0, 0, 0, 0, loc)
		}
		obs := ical.ComponentBase{}
		obs.SetProperty(ical.ComponentPropertyDtStart,
			begin.In(time.FixedZone("", prevOffset)).Format(localFormat))
		obs.SetProperty(ical.ComponentProperty(ical.PropertyTzoffsetfrom), formatOffset(prevOffset))
		obs.SetProperty(ical.ComponentProperty(ical.PropertyTzoffsetto), formatOffset(offset))
		obs.SetProperty(ical.ComponentProperty(ical.PropertyTzname), abbr)
		if t.IsDST() {
			tz.Components = append(tz.Components, &ical.Daylight{ComponentBase: obs})
		} else {
			tz.Components = append(tz.Components, &ical.Standard{ComponentBase: obs})
		}
		if end.IsZero() || end.After(to) {
			break
		}
		t = end.In(loc)
	}
	return tz
}

// formatOffset writes a UTC offset in seconds as ±hhmm (or ±hhmmss).
func formatOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec%3600/60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// clean removes what TEXT values cannot carry: carriage returns and other
// control characters except the line feed, which the writer escapes.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
