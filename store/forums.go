package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Forum is an event members register for, such as the Forum of Regions
// of Belarus and Russia.
type Forum struct {
	ID        int64
	Name      string
	City      string
	StartsOn  time.Time // a date, at midnight UTC
	EndsOn    time.Time
	Sections  []string
	Capacity  int       // places for those going; 0 is unlimited
	Deadline  time.Time // registration closes; zero for none
	CreatedBy int64
	CreatedAt time.Time
}

// RSVP answers.
const (
	RSVPGoing    = "going"
	RSVPMaybe    = "maybe"
	RSVPNotGoing = "not_going"
)

// RSVP is a member's answer to a forum invitation.
type RSVP struct {
	ForumID    int64
	MemberID   int64
	Answer     string
	Section    string
	Waitlisted bool // going, but the forum is full
	AnsweredAt time.Time
}

// RSVPResult is what an answer changed.
type RSVPResult struct {
	Mine     RSVP
	Promoted []RSVP // members moved from the waitlist to a place
}

const dateFormat = "2006-01-02"

const forumColumns = "id, name, city, starts_on, ends_on, sections, capacity, deadline, created_by, created_at"

func scanForum(row scanner) (Forum, error) {
	var f Forum
	var starts, ends, sections, deadline, created string
	if err := row.Scan(&f.ID, &f.Name, &f.City, &starts, &ends, &sections, &f.Capacity, &deadline, &f.CreatedBy, &created); err != nil {
		return Forum{}, err
	}
	var err error
	if f.StartsOn, err = time.Parse(dateFormat, starts); err != nil {
		return Forum{}, fmt.Errorf("store: bad date %q: %w", starts, err)
	}
	if f.EndsOn, err = time.Parse(dateFormat, ends); err != nil {
		return Forum{}, fmt.Errorf("store: bad date %q: %w", ends, err)
	}
	if sections != "" {
		f.Sections = strings.Split(sections, "\n")
	}
	if deadline != "" {
		if f.Deadline, err = parseTime(deadline); err != nil {
			return Forum{}, err
		}
	}
	f.CreatedAt, err = parseTime(created)
	return f, err
}

// CreateForum records a forum and returns it with its id.
func (db *DB) CreateForum(ctx context.Context, f Forum, now time.Time) (Forum, error) {
	if f.EndsOn.IsZero() {
		f.EndsOn = f.StartsOn
	}
	out, err := scanForum(db.write.QueryRowContext(ctx, `INSERT INTO forums (name, city, starts_on, ends_on, sections,
		capacity, deadline, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+forumColumns,
		f.Name, f.City, f.StartsOn.Format(dateFormat), f.EndsOn.Format(dateFormat), strings.Join(f.Sections, "\n"),
		f.Capacity, optTime(f.Deadline), f.CreatedBy, formatTime(now)))
	if err != nil {
		return Forum{}, fmt.Errorf("store: create forum: %w", err)
	}
	return out, nil
}

// Forum returns a forum by id, or ErrNotFound.
func (db *DB) Forum(ctx context.Context, id int64) (Forum, error) {
	f, err := scanForum(db.read.QueryRowContext(ctx, "SELECT "+forumColumns+" FROM forums WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Forum{}, ErrNotFound
	}
	if err != nil {
		return Forum{}, fmt.Errorf("store: forum %d: %w", id, err)
	}
	return f, nil
}

// UpcomingForums returns the forums that have not ended by day (a date),
// soonest first.
func (db *DB) UpcomingForums(ctx context.Context, day time.Time) ([]Forum, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+forumColumns+" FROM forums WHERE ends_on >= ? ORDER BY starts_on, id",
		day.Format(dateFormat))
	if err != nil {
		return nil, fmt.Errorf("store: upcoming forums: %w", err)
	}
	defer rows.Close()
	var out []Forum
	for rows.Next() {
		f, err := scanForum(rows)
		if err != nil {
			return nil, fmt.Errorf("store: upcoming forums: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

const rsvpColumns = "forum_id, member_id, answer, section, waitlisted, answered_at"

// scanRSVPs reads the answers a query returned; it takes the query's
// error too, so that a query can be passed to it directly.
func scanRSVPs(rows *sql.Rows, err error) ([]RSVP, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RSVP
	for rows.Next() {
		var r RSVP
		var at string
		if err := rows.Scan(&r.ForumID, &r.MemberID, &r.Answer, &r.Section, &r.Waitlisted, &at); err != nil {
			return nil, err
		}
		var err error
		if r.AnsweredAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AnswerForum records a member's answer and section, in one transaction
// with its consequences: a "going" over capacity is waitlisted; a place
// freed by someone who no longer goes goes to the earliest waitlisted
// members. jobs, built from the result by the caller's rules, are written
// in the same transaction (reminders for those who got a place).
// A section that is not one of the forum's is refused with ErrConflict.
func (db *DB) AnswerForum(ctx context.Context, forumID, memberID int64, answer, section string, now time.Time,
	jobs func(RSVPResult) JobChange) (RSVPResult, error) {
	switch answer {
	case RSVPGoing, RSVPMaybe, RSVPNotGoing:
	default:
		return RSVPResult{}, fmt.Errorf("store: answer forum: unknown answer %q", answer)
	}
	var res RSVPResult
	err := db.withWriteTx(ctx, "answer forum", func(tx *txn) error {
		f, err := scanForum(tx.QueryRowContext(ctx, "SELECT "+forumColumns+" FROM forums WHERE id = ?", forumID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if section != "" && !contains(f.Sections, section) {
			return fmt.Errorf("section %q: %w", section, ErrConflict)
		}
		prev, err := scanRSVPs(tx.QueryContext(ctx, "SELECT "+rsvpColumns+" FROM forum_rsvps WHERE forum_id = ? AND member_id = ?",
			forumID, memberID))
		if err != nil {
			return err
		}
		hadPlace := len(prev) == 1 && prev[0].Answer == RSVPGoing && !prev[0].Waitlisted
		at := now
		if len(prev) == 1 {
			if prev[0].Answer == answer {
				at = prev[0].AnsweredAt // a new section keeps the place in the queue
			}
			if section == "" {
				section = prev[0].Section
			}
		}
		waitlisted := false
		if answer == RSVPGoing && !hadPlace && f.Capacity > 0 {
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM forum_rsvps WHERE forum_id = ? AND answer = 'going'
				AND waitlisted = 0 AND member_id <> ?`, forumID, memberID).Scan(&taken); err != nil {
				return err
			}
			waitlisted = taken >= f.Capacity
		}
		if answer == RSVPGoing && hadPlace {
			waitlisted = false
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO forum_rsvps (forum_id, member_id, answer, section, waitlisted, answered_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (forum_id, member_id) DO UPDATE SET answer = excluded.answer,
			section = excluded.section, waitlisted = excluded.waitlisted, answered_at = excluded.answered_at`,
			forumID, memberID, answer, section, waitlisted, formatTime(at)); err != nil {
			return err
		}
		res.Mine = RSVP{ForumID: forumID, MemberID: memberID, Answer: answer, Section: section, Waitlisted: waitlisted, AnsweredAt: at}
		if hadPlace && answer != RSVPGoing && f.Capacity > 0 {
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM forum_rsvps WHERE forum_id = ? AND answer = 'going'
				AND waitlisted = 0`, forumID).Scan(&taken); err != nil {
				return err
			}
			if free := f.Capacity - taken; free > 0 {
				promoted, err := scanRSVPs(tx.QueryContext(ctx, `UPDATE forum_rsvps SET waitlisted = 0
					WHERE forum_id = ? AND member_id IN (SELECT member_id FROM forum_rsvps WHERE forum_id = ?
						AND answer = 'going' AND waitlisted = 1 ORDER BY answered_at, member_id LIMIT ?)
					RETURNING `+rsvpColumns, forumID, forumID, free))
				if err != nil {
					return err
				}
				res.Promoted = promoted
			}
		}
		if jobs != nil {
			return applyJobChange(ctx, tx, jobs(res), now)
		}
		return nil
	})
	if err != nil {
		return RSVPResult{}, err
	}
	return res, nil
}

// ForumRSVPs returns every answer to a forum, earliest first.
func (db *DB) ForumRSVPs(ctx context.Context, forumID int64) ([]RSVP, error) {
	out, err := scanRSVPs(db.read.QueryContext(ctx, "SELECT "+rsvpColumns+
		" FROM forum_rsvps WHERE forum_id = ? ORDER BY answered_at, member_id", forumID))
	if err != nil {
		return nil, fmt.Errorf("store: forum %d answers: %w", forumID, err)
	}
	return out, nil
}

// ForumRSVP returns a member's answer to a forum, or ErrNotFound.
func (db *DB) ForumRSVP(ctx context.Context, forumID, memberID int64) (RSVP, error) {
	out, err := scanRSVPs(db.read.QueryContext(ctx, "SELECT "+rsvpColumns+
		" FROM forum_rsvps WHERE forum_id = ? AND member_id = ?", forumID, memberID))
	if err != nil {
		return RSVP{}, fmt.Errorf("store: forum %d answer: %w", forumID, err)
	}
	if len(out) == 0 {
		return RSVP{}, ErrNotFound
	}
	return out[0], nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
