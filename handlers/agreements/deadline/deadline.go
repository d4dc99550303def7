// Package deadline works out the dates an agreement commits its parties to
// — when it expires or renews, the last day to give notice before it
// renews, the yearly review of a programme — and when to remind the parties
// of each. It is pure: dates in, dates out.
//
// Dates are calendar days, represented as time.Time at midnight UTC.
package deadline

import (
	"sort"
	"time"
)

// Kind is what happens on a deadline.
type Kind string

// Kinds of deadline.
const (
	// Expiry: an agreement without automatic renewal ends.
	Expiry Kind = "expiry"
	// Renewal: an agreement with automatic renewal renews for another term
	// unless a party gave notice.
	Renewal Kind = "renewal"
	// Notice: the last day to give notice so that an agreement does not
	// renew.
	Notice Kind = "notice"
	// Review: the yearly review of a programme of interaction.
	Review Kind = "review"
)

// Terms are what the deadlines of an agreement follow from.
type Terms struct {
	// Start is the day the agreement took effect (or was signed, when that
	// is unknown); zero when unknown, and then there are no deadlines.
	Start       time.Time
	TermMonths  int // 0 when unknown
	Indefinite  bool
	AutoRenewal bool
	// NoticeMonths is the notice period before renewal; 0 when none.
	NoticeMonths int
	// Programme is set for a programme of interaction, reviewed yearly.
	Programme bool
	// Ended is set for an agreement that is terminated or expired.
	Ended bool
}

// Deadline is one date an agreement commits its parties to.
type Deadline struct {
	Kind Kind
	On   time.Time
}

// maxCycles bounds the search for the current renewal cycle: a hundred
// years of one-month terms.
const maxCycles = 1200

// Upcoming returns the deadlines on or after today, earliest first: the
// next expiry or renewal, the next notice deadline and the next review, at
// most one of each.
func Upcoming(t Terms, today time.Time) []Deadline {
	today = Day(today)
	if t.Ended || t.Start.IsZero() {
		return nil
	}
	start := Day(t.Start)
	var out []Deadline
	end := time.Time{} // the agreement's last day, if it has one
	if t.TermMonths > 0 && !t.Indefinite {
		if !t.AutoRenewal {
			end = AddMonths(start, t.TermMonths)
			if !end.Before(today) {
				out = append(out, Deadline{Expiry, end})
			}
		} else {
			if on, ok := firstCycle(start, t.TermMonths, 0, today); ok {
				out = append(out, Deadline{Renewal, on})
			}
			if t.NoticeMonths > 0 && t.NoticeMonths < t.TermMonths {
				if on, ok := firstCycle(start, t.TermMonths, t.NoticeMonths, today); ok {
					out = append(out, Deadline{Notice, on})
				}
			}
		}
	}
	if t.Programme {
		for k := 1; k <= maxCycles/12; k++ {
			on := AddMonths(start, 12*k)
			if !end.IsZero() && !on.Before(end) {
				break
			}
			if !on.Before(today) {
				out = append(out, Deadline{Review, on})
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].On.Before(out[j].On) })
	return out
}

// firstCycle returns the first end of a term, less notice months, that is
// on or after today. Each end is computed from the start, so that a term
// starting on the 31st does not drift.
func firstCycle(start time.Time, termMonths, noticeMonths int, today time.Time) (time.Time, bool) {
	for k := 1; k <= maxCycles; k++ {
		on := AddMonths(start, k*termMonths-noticeMonths)
		if !on.Before(today) {
			return on, true
		}
	}
	return time.Time{}, false
}

// AddMonths adds n months to a day, keeping the day of the month where the
// month has it and taking the month's last day where it does not: a term
// of one month from 31 January ends on 28 (or 29) February, not in March.
func AddMonths(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// Leads are how many days before each kind of deadline the parties are
// reminded, largest first.
var Leads = map[Kind][]int{
	Expiry:  {90, 30},
	Renewal: {30},
	Notice:  {60, 14, 1},
	Review:  {30},
}

// Reminder is a day on which to remind the parties of a deadline.
type Reminder struct {
	Deadline
	// Lead is how many days before the deadline the reminder is; a
	// reminder made after every lead has passed is sent today and has the
	// days that remain.
	Lead int
	On   time.Time
}

// Reminders returns the reminders still ahead for deadlines: one per lead
// whose day is today or later, and, for a deadline whose every lead has
// passed, one today. Earliest first.
func Reminders(ds []Deadline, today time.Time) []Reminder {
	today = Day(today)
	var out []Reminder
	for _, d := range ds {
		if d.On.Before(today) {
			continue
		}
		n := 0
		for _, lead := range Leads[d.Kind] {
			on := d.On.AddDate(0, 0, -lead)
			if !on.Before(today) {
				out = append(out, Reminder{Deadline: d, Lead: lead, On: on})
				n++
			}
		}
		if n == 0 {
			out = append(out, Reminder{Deadline: d, Lead: Days(today, d.On), On: today})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].On.Before(out[j].On) })
	return out
}

// Day returns the calendar day of t (in t's own location) as midnight UTC.
func Day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Days returns the number of days from a to b.
func Days(a, b time.Time) int {
	return int(Day(b).Sub(Day(a)).Hours() / 24)
}

// ParseDay reads "YYYY-MM-DD"; ok is false for anything else, including a
// bare year.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
