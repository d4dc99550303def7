package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one privileged action: who did what to whom.
type AuditEntry struct {
	ID      int64
	Actor   int64  // Telegram user id of who acted
	Action  string // approve, reject, grant, revoke, invite, hide, edit, broadcast, …
	Subject string // what it was done to, e.g. "member:123", "agreement:7"
	Detail  string
	At      time.Time
}

// Audit records a privileged action.
func (db *DB) Audit(ctx context.Context, actor int64, action, subject, detail string, now time.Time) error {
	if _, err := db.write.ExecContext(ctx, "INSERT INTO audit (actor, action, subject, detail, at) VALUES (?, ?, ?, ?, ?)",
		actor, action, subject, detail, formatTime(now)); err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	return nil
}

// RecentAudit returns the newest entries first.
func (db *DB) RecentAudit(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, actor, action, subject, detail, at FROM audit ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.Subject, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("store: recent audit: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
