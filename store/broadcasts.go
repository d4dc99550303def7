package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BroadcastState is where a broadcast is in its life.
type BroadcastState string

// Broadcast states. Done, cancelled and rejected are final.
const (
	BroadcastApproval  BroadcastState = "approval"  // waits for a second coordinator
	BroadcastQueued    BroadcastState = "queued"    // outbox written; sending or waiting for its time
	BroadcastPaused    BroadcastState = "paused"    // the author paused it
	BroadcastDone      BroadcastState = "done"      // every recipient has a final status
	BroadcastCancelled BroadcastState = "cancelled" // stopped; unsent rows skipped
	BroadcastRejected  BroadcastState = "rejected"  // refused at approval
)

// Broadcast is an announcement to chosen members.
type Broadcast struct {
	ID       int64
	AuthorID int64
	State    BroadcastState
	Kind     string // text, photo, document
	Body     string // HTML text, or the caption of a photo or document
	FileID   string
	FileName string
	// Audience describes the audience as it was chosen (for the record;
	// the recipients themselves are the outbox rows).
	Audience  string
	Mandatory bool // delivered to members who muted announcements too
	ForumID   int64
	LinkURL   string
	LinkText  string
	SendAt    time.Time // zero: as soon as queued
	// LocalTime, when set ("2006-01-02T15:04"), is the wall-clock time in
	// each recipient's zone at which their copy goes out.
	LocalTime    string
	ApprovedBy   int64
	ProgressChat int64
	ProgressMsg  int
	Recipients   int
	CreatedAt    time.Time
	QueuedAt     time.Time
	FinishedAt   time.Time
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxBlocked = "blocked" // Telegram answered 403: never retried
	OutboxFailed  = "failed"  // failed after retries; Reason says why
	OutboxSkipped = "skipped" // the broadcast was cancelled before it went out
)

// OutboxRow is one recipient of one broadcast.
type OutboxRow struct {
	ID          int64
	BroadcastID int64
	RecipientID int64
	Language    string
	DueAt       time.Time
	Status      string
	Attempts    int
	Reason      string
	MessageID   int
	SentAt      time.Time
}

// OutboxCounts counts a broadcast's rows by status.
type OutboxCounts struct {
	Pending, Sent, Blocked, Failed, Skipped int
}

// Total is the number of rows.
func (c OutboxCounts) Total() int { return c.Pending + c.Sent + c.Blocked + c.Failed + c.Skipped }

// Recipient is a member who may receive broadcasts, with what audiences
// are chosen by.
type Recipient struct {
	Member
	Muted bool
}

const broadcastColumns = `id, author_id, state, kind, body, file_id, file_name, audience, mandatory, forum_id,
	link_url, link_text, send_at, local_time, approved_by, progress_chat, progress_msg, recipients,
	created_at, queued_at, finished_at`

func scanBroadcast(row scanner) (Broadcast, error) {
	var b Broadcast
	var state, sendAt, created, queued, finished string
	if err := row.Scan(&b.ID, &b.AuthorID, &state, &b.Kind, &b.Body, &b.FileID, &b.FileName, &b.Audience,
		&b.Mandatory, &b.ForumID, &b.LinkURL, &b.LinkText, &sendAt, &b.LocalTime, &b.ApprovedBy,
		&b.ProgressChat, &b.ProgressMsg, &b.Recipients, &created, &queued, &finished); err != nil {
		return Broadcast{}, err
	}
	b.State = BroadcastState(state)
	var err error
	for _, f := range []struct {
		s   string
		dst *time.Time
	}{{sendAt, &b.SendAt}, {created, &b.CreatedAt}, {queued, &b.QueuedAt}, {finished, &b.FinishedAt}} {
		if f.s == "" {
			continue
		}
		if *f.dst, err = parseTime(f.s); err != nil {
			return Broadcast{}, err
		}
	}
	return b, nil
}

func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// CreateBroadcast records a composed broadcast in state b.State (approval,
// or queued-to-be: see QueueBroadcast) and returns it with its id.
func (db *DB) CreateBroadcast(ctx context.Context, b Broadcast, now time.Time) (Broadcast, error) {
	if b.State == "" {
		b.State = BroadcastApproval
	}
	if b.Kind == "" {
		b.Kind = "text"
	}
	out, err := scanBroadcast(db.write.QueryRowContext(ctx, `INSERT INTO broadcasts (author_id, state, kind, body,
		file_id, file_name, audience, mandatory, forum_id, link_url, link_text, send_at, local_time, progress_chat,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+broadcastColumns,
		b.AuthorID, string(b.State), b.Kind, b.Body, b.FileID, b.FileName, b.Audience, b.Mandatory, b.ForumID,
		b.LinkURL, b.LinkText, optTime(b.SendAt), b.LocalTime, b.ProgressChat, formatTime(now)))
	if err != nil {
		return Broadcast{}, fmt.Errorf("store: create broadcast: %w", err)
	}
	return out, nil
}

// Broadcast returns a broadcast by id, or ErrNotFound.
func (db *DB) Broadcast(ctx context.Context, id int64) (Broadcast, error) {
	b, err := scanBroadcast(db.read.QueryRowContext(ctx, "SELECT "+broadcastColumns+" FROM broadcasts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Broadcast{}, ErrNotFound
	}
	if err != nil {
		return Broadcast{}, fmt.Errorf("store: broadcast %d: %w", id, err)
	}
	return b, nil
}

// BroadcastsIn returns the broadcasts in any of the states, oldest first.
func (db *DB) BroadcastsIn(ctx context.Context, states ...BroadcastState) ([]Broadcast, error) {
	if len(states) == 0 {
		return nil, nil
	}
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = string(s)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+broadcastColumns+" FROM broadcasts WHERE state IN (?"+
		strings.Repeat(", ?", len(states)-1)+") ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: broadcasts: %w", err)
	}
	defer rows.Close()
	var out []Broadcast
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			return nil, fmt.Errorf("store: broadcasts: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// OutboxEntry is a recipient to write into a broadcast's outbox.
type OutboxEntry struct {
	RecipientID int64
	Language    string
	DueAt       time.Time
}

// QueueBroadcast writes one outbox row per recipient (a recipient listed
// twice gets one row) and moves the broadcast from state from to queued,
// all in one transaction. approver is recorded when not 0. It returns
// ErrConflict when the broadcast is no longer in state from: someone
// else approved, rejected or cancelled it first.
func (db *DB) QueueBroadcast(ctx context.Context, id int64, from BroadcastState, approver int64, entries []OutboxEntry, now time.Time) error {
	return db.withWriteTx(ctx, "queue broadcast", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE broadcasts SET state = 'queued', approved_by = ?, queued_at = ?
			WHERE id = ? AND state = ?`, approver, formatTime(now), id, string(from))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("broadcast %d not in state %s: %w", id, from, ErrConflict)
		}
		return insertOutbox(ctx, tx, id, entries, now)
	})
}

// insertOutbox writes a broadcast's outbox rows inside tx and records how
// many recipients it has.
func insertOutbox(ctx context.Context, tx *txn, id int64, entries []OutboxEntry, now time.Time) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO broadcast_outbox (broadcast_id, recipient_id, language, due_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (broadcast_id, recipient_id) DO NOTHING`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	added := 0
	for _, e := range entries {
		due := e.DueAt
		if due.IsZero() {
			due = now
		}
		res, err := stmt.ExecContext(ctx, id, e.RecipientID, e.Language, formatTime(due))
		if err != nil {
			return fmt.Errorf("recipient %d: %w", e.RecipientID, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
		}
	}
	_, err = tx.ExecContext(ctx, "UPDATE broadcasts SET recipients = ? WHERE id = ?", added, id)
	return err
}

// QueueBroadcastOnce records b queued, with one outbox row per recipient,
// and applies jobs, all in one transaction, unless a broadcast with the
// same Audience exists already: then only jobs are applied, and queued is
// false. It is for the broadcasts the bot writes itself, whose Audience
// names them uniquely (a month's digest), so that running the job that
// writes one again, or on two instances, never queues it twice.
func (db *DB) QueueBroadcastOnce(ctx context.Context, b Broadcast, entries []OutboxEntry, jobs JobChange, now time.Time) (id int64, queued bool, err error) {
	if b.Audience == "" {
		return 0, false, errors.New("store: queue broadcast once: the audience names it and must be set")
	}
	if b.Kind == "" {
		b.Kind = "text"
	}
	err = db.withWriteTx(ctx, "queue broadcast once", func(tx *txn) error {
		if err := applyJobChange(ctx, tx, jobs, now); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, "SELECT id FROM broadcasts WHERE audience = ? ORDER BY id LIMIT 1", b.Audience).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		ts := formatTime(now)
		if err := tx.QueryRowContext(ctx, `INSERT INTO broadcasts (author_id, state, kind, body, file_id, file_name,
			audience, mandatory, forum_id, link_url, link_text, send_at, local_time, progress_chat, created_at, queued_at)
			VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			b.AuthorID, b.Kind, b.Body, b.FileID, b.FileName, b.Audience, b.Mandatory, b.ForumID, b.LinkURL, b.LinkText,
			optTime(b.SendAt), b.LocalTime, b.ProgressChat, ts, ts).Scan(&id); err != nil {
			return err
		}
		queued = true
		return insertOutbox(ctx, tx, id, entries, now)
	})
	if err != nil {
		return 0, false, err
	}
	return id, queued, nil
}

// SetBroadcastState moves a broadcast from one of the states from to to,
// and returns ErrConflict when it is in none of them. Cancelling marks the
// unsent rows skipped in the same transaction.
func (db *DB) SetBroadcastState(ctx context.Context, id int64, to BroadcastState, now time.Time, from ...BroadcastState) error {
	if len(from) == 0 {
		return fmt.Errorf("store: set broadcast %d state: no state to move from", id)
	}
	args := []any{string(to), optTime(finalTime(to, now)), id}
	for _, s := range from {
		args = append(args, string(s))
	}
	return db.withWriteTx(ctx, "set broadcast state", func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE broadcasts SET state = ?, finished_at = ? WHERE id = ? AND state IN (?`+
			strings.Repeat(", ?", len(from)-1)+")", args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := db.Broadcast(ctx, id); err != nil {
				return err
			}
			return fmt.Errorf("broadcast %d: %w", id, ErrConflict)
		}
		if to == BroadcastCancelled {
			_, err = tx.ExecContext(ctx, `UPDATE broadcast_outbox SET status = 'skipped', lease_owner = '', lease_until = ''
				WHERE broadcast_id = ? AND status = 'pending'`, id)
		}
		return err
	})
}

func finalTime(s BroadcastState, now time.Time) time.Time {
	switch s {
	case BroadcastDone, BroadcastCancelled, BroadcastRejected:
		return now
	}
	return time.Time{}
}

// SetBroadcastProgress records the message that shows a broadcast's
// progress to its author.
func (db *DB) SetBroadcastProgress(ctx context.Context, id, chatID int64, messageID int) error {
	if _, err := db.write.ExecContext(ctx, "UPDATE broadcasts SET progress_chat = ?, progress_msg = ? WHERE id = ?",
		chatID, messageID, id); err != nil {
		return fmt.Errorf("store: broadcast %d progress: %w", id, err)
	}
	return nil
}

// CompleteBroadcast marks a queued broadcast done when none of its rows is
// pending, and reports whether this call did it (so that exactly one
// caller sends the summary).
func (db *DB) CompleteBroadcast(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE broadcasts SET state = 'done', finished_at = ?
		WHERE id = ? AND state = 'queued'
		AND NOT EXISTS (SELECT 1 FROM broadcast_outbox WHERE broadcast_id = ? AND status = 'pending')`,
		formatTime(now), id, id)
	if err != nil {
		return false, fmt.Errorf("store: complete broadcast %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

const outboxColumns = "id, broadcast_id, recipient_id, language, due_at, status, attempts, reason, message_id, sent_at"

func scanOutbox(rows *sql.Rows) ([]OutboxRow, error) {
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var o OutboxRow
		var due, sent string
		if err := rows.Scan(&o.ID, &o.BroadcastID, &o.RecipientID, &o.Language, &due, &o.Status, &o.Attempts,
			&o.Reason, &o.MessageID, &sent); err != nil {
			return nil, err
		}
		var err error
		if o.DueAt, err = parseTime(due); err != nil {
			return nil, err
		}
		if sent != "" {
			if o.SentAt, err = parseTime(sent); err != nil {
				return nil, err
			}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClaimOutbox leases to owner until now+lease up to limit pending rows
// that are due, not leased, and belong to queued (not paused or cancelled)
// broadcasts, oldest due first. A row whose lease ran out (its owner
// died) is claimed again.
func (db *DB) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]OutboxRow, error) {
	if owner == "" || lease <= 0 || limit <= 0 {
		return nil, fmt.Errorf("store: claim outbox: owner %q, lease %v, limit %d: all must be set", owner, lease, limit)
	}
	ts := formatTime(now)
	rows, err := db.write.QueryContext(ctx, `UPDATE broadcast_outbox SET lease_owner = ?, lease_until = ?
		WHERE id IN (SELECT o.id FROM broadcast_outbox o JOIN broadcasts b ON b.id = o.broadcast_id
			WHERE o.status = 'pending' AND o.due_at <= ? AND o.lease_until <= ? AND b.state = 'queued'
			ORDER BY o.due_at, o.id LIMIT ?)
		RETURNING `+outboxColumns, owner, formatTime(now.Add(lease)), ts, ts, limit)
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	out, err := scanOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	// RETURNING gives no order; send the oldest due first.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].DueAt.Before(out[j-1].DueAt) ||
			out[j].DueAt.Equal(out[j-1].DueAt) && out[j].ID < out[j-1].ID); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// FinishOutbox records the final status (sent, blocked or failed) of a row
// owner claimed. It returns ErrConflict when owner no longer holds it.
func (db *DB) FinishOutbox(ctx context.Context, id int64, owner, status, reason string, messageID int, now time.Time) error {
	switch status {
	case OutboxSent, OutboxBlocked, OutboxFailed:
	default:
		return fmt.Errorf("store: finish outbox row %d: status %q is not final", id, status)
	}
	res, err := db.write.ExecContext(ctx, `UPDATE broadcast_outbox SET status = ?, reason = ?, message_id = ?, sent_at = ?,
		lease_owner = '', lease_until = '' WHERE id = ? AND status = 'pending' AND lease_owner = ?`,
		status, reason, messageID, formatTime(now), id, owner)
	if err != nil {
		return fmt.Errorf("store: finish outbox row %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: finish outbox row %d: not held by %s: %w", id, owner, ErrConflict)
	}
	return nil
}

// ReleaseOutbox gives a claimed row back unsent, due at at. failed counts
// the attempt (a send that failed) rather than a send never made (a pause).
func (db *DB) ReleaseOutbox(ctx context.Context, id int64, owner string, at time.Time, failed bool, reason string) error {
	inc := 0
	if failed {
		inc = 1
	}
	_, err := db.write.ExecContext(ctx, `UPDATE broadcast_outbox SET due_at = ?, attempts = attempts + ?, reason = ?,
		lease_owner = '', lease_until = '' WHERE id = ? AND status = 'pending' AND lease_owner = ?`,
		formatTime(at), inc, reason, id, owner)
	if err != nil {
		return fmt.Errorf("store: release outbox row %d: %w", id, err)
	}
	return nil
}

// NextOutboxDue returns the earliest time a pending row of a queued
// broadcast can be claimed; ok is false when there is none.
func (db *DB) NextOutboxDue(ctx context.Context) (next time.Time, ok bool, err error) {
	var s sql.NullString
	err = db.read.QueryRowContext(ctx, `SELECT MIN(MAX(o.due_at, o.lease_until)) FROM broadcast_outbox o
		JOIN broadcasts b ON b.id = o.broadcast_id WHERE o.status = 'pending' AND b.state = 'queued'`).Scan(&s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next outbox due: %w", err)
	}
	if !s.Valid {
		return time.Time{}, false, nil
	}
	next, err = parseTime(s.String)
	return next, err == nil, err
}

// OutboxCounts counts a broadcast's rows by status.
func (db *DB) OutboxCounts(ctx context.Context, id int64) (OutboxCounts, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT status, COUNT(*) FROM broadcast_outbox WHERE broadcast_id = ? GROUP BY status", id)
	if err != nil {
		return OutboxCounts{}, fmt.Errorf("store: outbox counts %d: %w", id, err)
	}
	defer rows.Close()
	var c OutboxCounts
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return OutboxCounts{}, fmt.Errorf("store: outbox counts %d: %w", id, err)
		}
		switch status {
		case OutboxPending:
			c.Pending = n
		case OutboxSent:
			c.Sent = n
		case OutboxBlocked:
			c.Blocked = n
		case OutboxFailed:
			c.Failed = n
		case OutboxSkipped:
			c.Skipped = n
		}
	}
	return c, rows.Err()
}

// OutboxReport returns every row of a broadcast, by recipient.
func (db *DB) OutboxReport(ctx context.Context, id int64) ([]OutboxRow, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+outboxColumns+" FROM broadcast_outbox WHERE broadcast_id = ? ORDER BY recipient_id", id)
	if err != nil {
		return nil, fmt.Errorf("store: outbox report %d: %w", id, err)
	}
	out, err := scanOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("store: outbox report %d: %w", id, err)
	}
	return out, nil
}

// BroadcastRecipients returns the members a broadcast may reach: verified
// and reachable, with whether they muted announcements.
func (db *DB) BroadcastRecipients(ctx context.Context) ([]Recipient, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+memberColumns+`, EXISTS (SELECT 1 FROM broadcast_mutes m
		WHERE m.member_id = members.user_id) FROM members WHERE role <> 'newcomer' AND reachable = 1 ORDER BY user_id`)
	if err != nil {
		return nil, fmt.Errorf("store: broadcast recipients: %w", err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var m Member
		var role, created, updated string
		var muted bool
		if err := rows.Scan(&m.UserID, &m.FirstName, &m.LastName, &m.Username, &m.Language, &m.LanguageChosen,
			&m.MunicipalityID, &m.Position, &role, &m.Reachable, &m.TimeZone, &m.Phone, &created, &updated, &muted); err != nil {
			return nil, fmt.Errorf("store: broadcast recipients: %w", err)
		}
		m.Role = Role(role)
		out = append(out, Recipient{Member: m, Muted: muted})
	}
	return out, rows.Err()
}

// SetMuted records whether a member muted announcements.
func (db *DB) SetMuted(ctx context.Context, memberID int64, muted bool, now time.Time) error {
	var err error
	if muted {
		_, err = db.write.ExecContext(ctx, "INSERT INTO broadcast_mutes (member_id, muted_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
			memberID, formatTime(now))
	} else {
		_, err = db.write.ExecContext(ctx, "DELETE FROM broadcast_mutes WHERE member_id = ?", memberID)
	}
	if err != nil {
		return fmt.Errorf("store: set muted %d: %w", memberID, err)
	}
	return nil
}

// Muted reports whether a member muted announcements.
func (db *DB) Muted(ctx context.Context, memberID int64) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM broadcast_mutes WHERE member_id = ?", memberID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: muted %d: %w", memberID, err)
	}
	return n > 0, nil
}
