package store

import (
	"context"
	"fmt"
	"strings"
)

// personal lists every column that holds a member's Telegram user id, and
// what forgetting the member does to its rows: delete them, or keep them
// with the id replaced by 0 ("a former member"). A new table with member
// ids must be listed here; the privacy test fails otherwise.
var personal = []struct {
	table, column string
	keep          bool // anonymise instead of delete
}{
	{"members", "user_id", false},
	{"join_requests", "user_id", false},
	{"join_requests", "decided_by", true},
	{"proposal_deliveries", "member_id", false},
	{"proposals", "from_member", true},
	{"proposals", "answered_by", true},
	{"municipality_areas", "updated_by", true},
	{"agreements", "added_by", true},
	{"invites", "created_by", true},
	{"audit", "actor", true},
	{"jobs", "recipient", false},
	{"meetings", "author_id", true},
	{"meeting_participants", "member_id", false},
	{"reminder_settings", "member_id", false},
	{"practices", "author_id", true},
	{"practice_asks", "asker_id", false},
	{"practice_asks", "answered_by", true},
	{"practice_digest_optout", "member_id", false},
	{"broadcasts", "author_id", true},
	{"broadcasts", "approved_by", true},
	{"broadcasts", "progress_chat", true},
	{"broadcast_outbox", "recipient_id", false},
	{"broadcast_mutes", "member_id", false},
	{"forums", "created_by", true},
	{"forum_rsvps", "member_id", false},
}

// ExportMember returns everything stored about a member, table by table,
// for /mydata.
func (db *DB) ExportMember(ctx context.Context, userID int64) (map[string][]map[string]any, error) {
	out := map[string][]map[string]any{}
	queries := make([]string, 0, len(personal)+1)
	args := make([][]any, 0, len(personal)+1)
	for _, p := range personal {
		queries = append(queries, fmt.Sprintf("SELECT * FROM %s WHERE %s = ?", p.table, p.column))
		args = append(args, []any{userID})
	}
	queries = append(queries, "SELECT * FROM audit WHERE subject = ?")
	args = append(args, []any{memberSubject(userID)})
	for i, q := range queries {
		table := strings.Fields(q)[3]
		rows, err := db.read.QueryContext(ctx, q, args[i]...)
		if err != nil {
			return nil, fmt.Errorf("store: export %s: %w", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for j := range vals {
				ptrs[j] = &vals[j]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: export %s: %w", table, err)
			}
			row := map[string]any{}
			for j, c := range cols {
				row[c] = vals[j]
			}
			out[table] = append(out[table], row)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: export %s: %w", table, err)
		}
	}
	return out, nil
}

// ForgetMember deletes a member's personal data in one transaction. Records
// others rely on — agreements they entered, proposals, the audit log — are
// kept with the member replaced by 0, shown as "former member". It returns
// the tables where anonymised records were kept.
func (db *DB) ForgetMember(ctx context.Context, userID int64) (kept []string, err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: forget member: %w", err)
	}
	defer tx.Rollback()
	seen := map[string]bool{}
	for _, p := range personal {
		var res interface{ RowsAffected() (int64, error) }
		if p.keep {
			res, err = tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = 0 WHERE %s = ?", p.table, p.column, p.column), userID)
		} else {
			res, err = tx.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s = ?", p.table, p.column), userID)
		}
		if err != nil {
			return nil, fmt.Errorf("store: forget member in %s: %w", p.table, err)
		}
		if n, _ := res.RowsAffected(); n > 0 && p.keep && !seen[p.table] {
			seen[p.table] = true
			kept = append(kept, p.table)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit SET subject = 'member:former' WHERE subject = ?", memberSubject(userID)); err != nil {
		return nil, fmt.Errorf("store: forget member in audit: %w", err)
	}
	return kept, tx.Commit()
}
