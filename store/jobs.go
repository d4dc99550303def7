package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// JobState is where a job is in its life.
type JobState string

// Job states. A pending job waits for its time or runs now; done and dropped
// are final.
const (
	JobPending JobState = "pending"
	JobDone    JobState = "done"
	JobDropped JobState = "dropped"
)

// Job is something that must happen later: a reminder, a notice, a
// broadcast message. Features write jobs in the same transaction as the
// change that causes them; a scheduler claims the due ones and runs them.
type Job struct {
	ID int64
	// Kind names the handler that runs the job, such as "meeting.remind".
	Kind string
	// Key is unique among all jobs ever written: writing a job whose key
	// exists already does nothing, so a job can be written again safely.
	Key string
	// Subject is what the job is about ("meeting:42"), so that a change to
	// it can cancel its pending jobs.
	Subject string
	// Recipient is the Telegram user the job is for, or 0.
	Recipient int64
	DueAt     time.Time
	Payload   string

	// Filled when read back.
	State    JobState
	Attempts int // claims so far, this one included
	Note     string
}

// JobFilter selects pending jobs. Empty fields match everything; a zero
// filter is refused where it would select every pending job.
type JobFilter struct {
	Subject   string
	Recipient int64
	Kinds     []string
}

func (f JobFilter) empty() bool { return f.Subject == "" && f.Recipient == 0 && len(f.Kinds) == 0 }

func (f JobFilter) where() (string, []any) {
	conds := []string{"state = 'pending'"}
	var args []any
	if f.Subject != "" {
		conds = append(conds, "subject = ?")
		args = append(args, f.Subject)
	}
	if f.Recipient != 0 {
		conds = append(conds, "recipient = ?")
		args = append(args, f.Recipient)
	}
	if len(f.Kinds) > 0 {
		conds = append(conds, "kind IN (?"+strings.Repeat(", ?", len(f.Kinds)-1)+")")
		for _, k := range f.Kinds {
			args = append(args, k)
		}
	}
	return strings.Join(conds, " AND "), args
}

// JobChange is what a change to a record does to its jobs, in the same
// transaction: the pending jobs Cancel selects are deleted (when Cancel is
// not zero), then Add is written.
type JobChange struct {
	Cancel JobFilter
	Add    []Job
}

// JobOutcome is how a claimed job ended.
type JobOutcome struct {
	// State is JobDone, JobDropped, or JobPending to run it again at
	// RetryAt.
	State   JobState
	RetryAt time.Time
	Note    string
}

// AddJobs writes jobs, skipping those whose key exists already, and returns
// how many were new.
func (db *DB) AddJobs(ctx context.Context, jobs []Job, now time.Time) (int, error) {
	var added int
	err := db.withWriteTx(ctx, "add jobs", func(tx *txn) error {
		var err error
		added, err = insertJobs(ctx, tx, jobs, now)
		return err
	})
	return added, err
}

// ChangeJobs applies a JobChange on its own.
func (db *DB) ChangeJobs(ctx context.Context, c JobChange, now time.Time) error {
	return db.withWriteTx(ctx, "change jobs", func(tx *txn) error {
		return applyJobChange(ctx, tx, c, now)
	})
}

// ClaimJobs takes up to limit pending jobs that are due at now and not
// leased, leases them to owner until now+lease, and returns them by due
// time. A job whose lease ran out (its owner crashed) is claimed again.
func (db *DB) ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Job, error) {
	if owner == "" || lease <= 0 || limit <= 0 {
		return nil, fmt.Errorf("store: claim jobs: owner %q, lease %v, limit %d: all must be set", owner, lease, limit)
	}
	ts := formatTime(now)
	rows, err := db.write.QueryContext(ctx, `UPDATE jobs SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' AND due_at <= ? AND lease_until <= ?
			ORDER BY due_at, id LIMIT ?)
		RETURNING `+jobColumns, owner, formatTime(now.Add(lease)), ts, ts, limit)
	if err != nil {
		return nil, fmt.Errorf("store: claim jobs: %w", err)
	}
	jobs, err := scanJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("store: claim jobs: %w", err)
	}
	sort.Slice(jobs, func(i, j int) bool {
		if !jobs[i].DueAt.Equal(jobs[j].DueAt) {
			return jobs[i].DueAt.Before(jobs[j].DueAt)
		}
		return jobs[i].ID < jobs[j].ID
	})
	return jobs, nil
}

// FinishJob records the outcome of a job owner claimed. It returns
// ErrConflict when owner no longer holds the job: its lease ran out and
// another owner claimed it, or the job was cancelled meanwhile.
func (db *DB) FinishJob(ctx context.Context, id int64, owner string, o JobOutcome, now time.Time) error {
	var res sql.Result
	var err error
	switch o.State {
	case JobDone, JobDropped:
		res, err = db.write.ExecContext(ctx, `UPDATE jobs SET state = ?, note = ?, finished_at = ?,
			lease_owner = '', lease_until = '' WHERE id = ? AND state = 'pending' AND lease_owner = ?`,
			string(o.State), o.Note, formatTime(now), id, owner)
	case JobPending:
		res, err = db.write.ExecContext(ctx, `UPDATE jobs SET due_at = ?, note = ?, lease_owner = '', lease_until = ''
			WHERE id = ? AND state = 'pending' AND lease_owner = ?`, formatTime(o.RetryAt), o.Note, id, owner)
	default:
		return fmt.Errorf("store: finish job %d: unknown state %q", id, o.State)
	}
	if err != nil {
		return fmt.Errorf("store: finish job %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: finish job %d: no longer held by %s: %w", id, owner, ErrConflict)
	}
	return nil
}

// NextJobDue returns the earliest time at which a pending job can be
// claimed: its due time, or the end of its lease if it is leased. ok is
// false when no job is pending.
func (db *DB) NextJobDue(ctx context.Context) (next time.Time, ok bool, err error) {
	var s sql.NullString
	// The index on due_at finds the earliest unleased job; leased jobs are
	// few (at most one batch per running instance).
	err = db.read.QueryRowContext(ctx, `SELECT MIN(t) FROM (
		SELECT MIN(due_at) AS t FROM jobs WHERE state = 'pending' AND lease_until = ''
		UNION ALL
		SELECT MIN(MAX(due_at, lease_until)) FROM jobs WHERE state = 'pending' AND lease_until != '')`).Scan(&s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next job due: %w", err)
	}
	if !s.Valid {
		return time.Time{}, false, nil
	}
	next, err = parseTime(s.String)
	return next, err == nil, err
}

// FindJobs returns the jobs f selects in any state when state is "", else
// in that state, by due time.
func (db *DB) FindJobs(ctx context.Context, f JobFilter, state JobState) ([]Job, error) {
	where, args := f.where()
	switch state {
	case "":
		where = strings.Replace(where, "state = 'pending'", "1 = 1", 1)
	case JobPending:
	default:
		where = strings.Replace(where, "state = 'pending'", "state = ?", 1)
		args = append([]any{string(state)}, args...)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+jobColumns+" FROM jobs WHERE "+where+" ORDER BY due_at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: find jobs: %w", err)
	}
	jobs, err := scanJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("store: find jobs: %w", err)
	}
	return jobs, nil
}

// CountPendingJobs returns how many jobs are pending.
func (db *DB) CountPendingJobs(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs WHERE state = 'pending'").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count jobs: %w", err)
	}
	return n, nil
}

const jobColumns = "id, kind, job_key, subject, recipient, due_at, payload, state, attempts, note"

func scanJobs(rows *sql.Rows) ([]Job, error) {
	defer rows.Close()
	var jobs []Job
	for rows.Next() {
		var j Job
		var due, state string
		if err := rows.Scan(&j.ID, &j.Kind, &j.Key, &j.Subject, &j.Recipient, &due, &j.Payload, &state, &j.Attempts, &j.Note); err != nil {
			return nil, err
		}
		j.State = JobState(state)
		var err error
		if j.DueAt, err = parseTime(due); err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, rows.Err()
}

// insertJobs writes jobs inside tx, skipping existing keys.
func insertJobs(ctx context.Context, tx *txn, jobs []Job, now time.Time) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO jobs (kind, job_key, subject, recipient, due_at, payload, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_key) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	added := 0
	for _, j := range jobs {
		if j.Kind == "" || j.Key == "" || j.DueAt.IsZero() {
			return 0, fmt.Errorf("job %q of kind %q due %v: kind, key and due time are required", j.Key, j.Kind, j.DueAt)
		}
		res, err := stmt.ExecContext(ctx, j.Kind, j.Key, j.Subject, j.Recipient, formatTime(j.DueAt), j.Payload, formatTime(now))
		if err != nil {
			return 0, fmt.Errorf("job %s: %w", j.Key, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added++
		}
	}
	return added, nil
}

// applyJobChange cancels and adds jobs inside tx.
func applyJobChange(ctx context.Context, tx *txn, c JobChange, now time.Time) error {
	if !c.Cancel.empty() {
		where, args := c.Cancel.where()
		if _, err := tx.ExecContext(ctx, "DELETE FROM jobs WHERE "+where, args...); err != nil {
			return fmt.Errorf("cancel jobs: %w", err)
		}
	}
	_, err := insertJobs(ctx, tx, c.Add, now)
	return err
}

// withWriteTx runs fn in a transaction on the writer connection and commits
// it when fn returns nil.
func (db *DB) withWriteTx(ctx context.Context, op string, fn func(tx *txn) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: commit: %w", op, err)
	}
	return nil
}

// Leases are named locks kept in the database, for instances that share it.
// They follow the lock contract of the state store, so either can serve as
// the scheduler's lock.
type Leases struct {
	db  *DB
	now func() time.Time
}

// Leases returns the database's leases, measured by the clock now.
func (db *DB) Leases(now func() time.Time) *Leases {
	if now == nil {
		now = time.Now
	}
	return &Leases{db: db, now: now}
}

// TryLock takes the lease named key for owner for ttl, and reports whether
// it did. If owner already holds it, the lease is renewed to ttl from now.
func (l *Leases) TryLock(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if key == "" || owner == "" || ttl <= 0 {
		return false, fmt.Errorf("store: try lock %q for %q, ttl %v: key, owner and ttl must be set", key, owner, ttl)
	}
	now := l.now()
	res, err := l.db.write.ExecContext(ctx, `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
		WHERE leases.owner = excluded.owner OR leases.expires_at <= ?`,
		key, owner, formatTime(now.Add(ttl)), formatTime(now))
	if err != nil {
		return false, fmt.Errorf("store: try lock %q: %w", key, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Unlock releases the lease named key if owner holds it, and returns
// ErrConflict otherwise.
func (l *Leases) Unlock(ctx context.Context, key, owner string) error {
	res, err := l.db.write.ExecContext(ctx, "DELETE FROM leases WHERE name = ? AND owner = ? AND expires_at > ?",
		key, owner, formatTime(l.now()))
	if err != nil {
		return fmt.Errorf("store: unlock %q: %w", key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: unlock %q: not held by %s: %w", key, owner, ErrConflict)
	}
	return nil
}
