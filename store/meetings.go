package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MeetingStatus says whether a meeting still takes place.
type MeetingStatus string

// Meeting statuses.
const (
	MeetingPlanned   MeetingStatus = "planned"
	MeetingCancelled MeetingStatus = "cancelled"
)

// Answer is a participant's reply to a meeting.
type Answer string

// Answers. AnswerNone means the participant has not answered.
const (
	AnswerNone     Answer = ""
	AnswerGoing    Answer = "going"
	AnswerNotGoing Answer = "not_going"
)

// Meeting is a planned visit or meeting.
type Meeting struct {
	ID       int64
	AuthorID int64
	// MunicipalityID is the municipality visited (a directory place id),
	// or 0.
	MunicipalityID int64
	StartsAt       time.Time // UTC
	// TimeZone is the organiser's IANA zone when the meeting was planned.
	TimeZone string
	Venue    string
	Topic    string
	Status   MeetingStatus
	// Revision starts at 1 and grows with every reschedule or
	// cancellation.
	Revision  int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Participant is a member taking part in a meeting, with their answer.
type Participant struct {
	Member Member
	Answer Answer
}

// ReminderSettings are a member's own reminder choices.
type ReminderSettings struct {
	// Custom is false when the association's default lead times apply.
	Custom bool
	// Leads are the member's lead times, largest first, when Custom; empty
	// means reminders are off.
	Leads []time.Duration
	// Digest is true when the member wants the morning digest.
	Digest bool
}

const meetingColumns = `id, author_id, municipality_id, starts_at, time_zone, venue, topic, status, revision,
	created_at, updated_at`

// CreateMeeting stores a new meeting with its participants (the author is
// always one) and, in the same transaction, the jobs that jobs returns for
// the stored meeting.
func (db *DB) CreateMeeting(ctx context.Context, m Meeting, participants []int64, jobs func(Meeting) []Job, now time.Time) (Meeting, error) {
	if m.AuthorID == 0 || m.StartsAt.IsZero() || m.TimeZone == "" {
		return Meeting{}, errors.New("store: create meeting: author, start and time zone are required")
	}
	m.StartsAt = m.StartsAt.UTC().Truncate(time.Millisecond)
	m.Status, m.Revision = MeetingPlanned, 1
	m.CreatedAt, m.UpdatedAt = now.UTC().Truncate(time.Millisecond), now.UTC().Truncate(time.Millisecond)
	err := db.withWriteTx(ctx, "create meeting", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO meetings
			(author_id, municipality_id, starts_at, time_zone, venue, topic, status, revision, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.AuthorID, m.MunicipalityID, formatTime(m.StartsAt), m.TimeZone, m.Venue, m.Topic,
			string(m.Status), m.Revision, formatTime(now), formatTime(now))
		if err != nil {
			return err
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, id := range append([]int64{m.AuthorID}, participants...) {
			if seen[id] {
				continue
			}
			seen[id] = true
			if _, err := tx.ExecContext(ctx, "INSERT INTO meeting_participants (meeting_id, member_id) VALUES (?, ?)", m.ID, id); err != nil {
				return fmt.Errorf("participant %d: %w", id, err)
			}
		}
		if jobs != nil {
			if _, err := insertJobs(ctx, tx, jobs(m), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Meeting{}, err
	}
	return m, nil
}

// Meeting returns the meeting with the given id, or ErrNotFound.
func (db *DB) Meeting(ctx context.Context, id int64) (Meeting, error) {
	m, err := scanMeeting(db.read.QueryRowContext(ctx, "SELECT "+meetingColumns+" FROM meetings WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Meeting{}, fmt.Errorf("store: meeting %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Meeting{}, fmt.Errorf("store: meeting %d: %w", id, err)
	}
	return m, nil
}

// Participants returns the participants of a meeting, the author first,
// then by the order they were added.
func (db *DB) Participants(ctx context.Context, meetingID int64) ([]Participant, error) {
	// Only members' columns are unqualified in memberColumns; the
	// participants table shares none of their names.
	rows, err := db.read.QueryContext(ctx, "SELECT "+memberColumns+`, p.answer
		FROM meeting_participants p JOIN members ON members.user_id = p.member_id
		WHERE p.meeting_id = ?
		ORDER BY p.member_id != (SELECT author_id FROM meetings WHERE id = p.meeting_id), p.rowid`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("store: participants of %d: %w", meetingID, err)
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var answer string
		m, err := scanMember(withExtra{rows, []any{&answer}})
		if err != nil {
			return nil, fmt.Errorf("store: participants of %d: %w", meetingID, err)
		}
		p := Participant{Member: m, Answer: Answer(answer)}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MeetingsOf returns the planned meetings memberID takes part in that start
// at or after from and, unless to is zero, before to; earliest first, at
// most limit.
func (db *DB) MeetingsOf(ctx context.Context, memberID int64, from, to time.Time, limit int) ([]Meeting, error) {
	q := "SELECT " + prefixed("m.", meetingColumns) + ` FROM meetings m
		JOIN meeting_participants p ON p.meeting_id = m.id AND p.member_id = ?
		WHERE m.status = 'planned' AND m.starts_at >= ?`
	args := []any{memberID, formatTime(from)}
	if !to.IsZero() {
		q += " AND m.starts_at < ?"
		args = append(args, formatTime(to))
	}
	q += " ORDER BY m.starts_at, m.id LIMIT ?"
	args = append(args, limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: meetings of %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, fmt.Errorf("store: meetings of %d: %w", memberID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// RescheduleMeeting moves a planned meeting to startsAt if its revision is
// still revision (else ErrConflict), raising the revision, and applies c in
// the same transaction.
func (db *DB) RescheduleMeeting(ctx context.Context, id int64, revision int, startsAt time.Time, c JobChange, now time.Time) (Meeting, error) {
	return db.changeMeeting(ctx, "reschedule meeting", id, revision, "starts_at = ?", formatTime(startsAt), c, now)
}

// CancelMeeting cancels a planned meeting if its revision is still revision
// (else ErrConflict), raising the revision, and applies c in the same
// transaction.
func (db *DB) CancelMeeting(ctx context.Context, id int64, revision int, c JobChange, now time.Time) (Meeting, error) {
	return db.changeMeeting(ctx, "cancel meeting", id, revision, "status = ?", string(MeetingCancelled), c, now)
}

func (db *DB) changeMeeting(ctx context.Context, op string, id int64, revision int, set string, value any, c JobChange, now time.Time) (Meeting, error) {
	var m Meeting
	err := db.withWriteTx(ctx, op, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, "UPDATE meetings SET "+set+`, revision = revision + 1, updated_at = ?
			WHERE id = ? AND revision = ? AND status = 'planned'`, value, formatTime(now), id, revision)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM meetings WHERE id = ?", id).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return fmt.Errorf("meeting %d: %w", id, ErrNotFound)
			}
			return fmt.Errorf("meeting %d changed since revision %d: %w", id, revision, ErrConflict)
		}
		if err := applyJobChange(ctx, tx, c, now); err != nil {
			return err
		}
		m, err = scanMeeting(tx.QueryRowContext(ctx, "SELECT "+meetingColumns+" FROM meetings WHERE id = ?", id))
		return err
	})
	return m, err
}

// SetAnswer records a participant's answer. It returns ErrNotFound when
// memberID does not take part in the meeting.
func (db *DB) SetAnswer(ctx context.Context, meetingID, memberID int64, a Answer) error {
	res, err := db.write.ExecContext(ctx, "UPDATE meeting_participants SET answer = ? WHERE meeting_id = ? AND member_id = ?",
		string(a), meetingID, memberID)
	if err != nil {
		return fmt.Errorf("store: answer to meeting %d: %w", meetingID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: answer of %d to meeting %d: %w", memberID, meetingID, ErrNotFound)
	}
	return nil
}

// ReminderSettings returns a member's reminder choices; a member who made
// none gets the zero value (the association's defaults, no digest).
func (db *DB) ReminderSettings(ctx context.Context, memberID int64) (ReminderSettings, error) {
	var leads sql.NullString
	var s ReminderSettings
	err := db.read.QueryRowContext(ctx, "SELECT leads, digest FROM reminder_settings WHERE member_id = ?", memberID).
		Scan(&leads, &s.Digest)
	if errors.Is(err, sql.ErrNoRows) {
		return ReminderSettings{}, nil
	}
	if err != nil {
		return ReminderSettings{}, fmt.Errorf("store: reminder settings of %d: %w", memberID, err)
	}
	if leads.Valid {
		s.Custom = true
		if s.Leads, err = parseLeads(leads.String); err != nil {
			return ReminderSettings{}, fmt.Errorf("store: reminder settings of %d: %w", memberID, err)
		}
	}
	return s, nil
}

// SetReminderLeads stores a member's lead times (custom false returns them
// to the association's default; custom with no leads turns reminders off)
// and applies c in the same transaction.
func (db *DB) SetReminderLeads(ctx context.Context, memberID int64, custom bool, leads []time.Duration, c JobChange, now time.Time) error {
	var v any // NULL: the default
	if custom {
		v = formatLeads(leads)
	}
	return db.withWriteTx(ctx, "set reminder leads", func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reminder_settings (member_id, leads, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (member_id) DO UPDATE SET leads = excluded.leads, updated_at = excluded.updated_at`,
			memberID, v, formatTime(now)); err != nil {
			return err
		}
		return applyJobChange(ctx, tx, c, now)
	})
}

// SetDigest turns a member's morning digest on or off and applies c in the
// same transaction.
func (db *DB) SetDigest(ctx context.Context, memberID int64, on bool, c JobChange, now time.Time) error {
	return db.withWriteTx(ctx, "set digest", func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reminder_settings (member_id, digest, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (member_id) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at`,
			memberID, on, formatTime(now)); err != nil {
			return err
		}
		return applyJobChange(ctx, tx, c, now)
	})
}

// SetTimeZone stores the time zone a member chose ("" returns them to their
// municipality's) and applies c in the same transaction.
func (db *DB) SetTimeZone(ctx context.Context, memberID int64, zone string, c JobChange, now time.Time) error {
	return db.withWriteTx(ctx, "set time zone", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, "UPDATE members SET time_zone = ?, updated_at = ? WHERE user_id = ?",
			zone, formatTime(now), memberID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("member %d: %w", memberID, ErrNotFound)
		}
		return applyJobChange(ctx, tx, c, now)
	})
}

func scanMeeting(row scanner) (Meeting, error) {
	var m Meeting
	var starts, status, created, updated string
	if err := row.Scan(&m.ID, &m.AuthorID, &m.MunicipalityID, &starts, &m.TimeZone, &m.Venue, &m.Topic,
		&status, &m.Revision, &created, &updated); err != nil {
		return Meeting{}, err
	}
	m.Status = MeetingStatus(status)
	var err error
	if m.StartsAt, err = parseTime(starts); err != nil {
		return Meeting{}, err
	}
	if m.CreatedAt, err = parseTime(created); err != nil {
		return Meeting{}, err
	}
	if m.UpdatedAt, err = parseTime(updated); err != nil {
		return Meeting{}, err
	}
	return m, nil
}

func formatLeads(leads []time.Duration) string {
	parts := make([]string, len(leads))
	for i, d := range leads {
		parts[i] = strconv.FormatInt(int64(d/time.Second), 10)
	}
	return strings.Join(parts, ",")
}

func parseLeads(s string) ([]time.Duration, error) {
	if s == "" {
		return nil, nil
	}
	var out []time.Duration
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad lead time %q", p)
		}
		out = append(out, time.Duration(n)*time.Second)
	}
	return out, nil
}

// prefixed qualifies every column of a column list with prefix.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// withExtra scans the columns its scanner's reader expects, then extra.
type withExtra struct {
	row   scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }
