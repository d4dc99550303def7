package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Invite errors, each answered differently.
var (
	ErrInviteExpired = errors.New("store: invite expired")
	ErrInviteUsedUp  = errors.New("store: invite used up")
)

// JoinRequest is a newcomer's request to be verified as a member of a
// municipality.
type JoinRequest struct {
	ID             int64
	UserID         int64
	MunicipalityID int64
	Position       string
	Phone          string
	Status         string // pending, approved, rejected
	DecidedBy      int64
	CreatedAt      time.Time
}

const joinColumns = "id, user_id, municipality_id, position, phone, status, decided_by, created_at"

func scanJoin(row scanner) (JoinRequest, error) {
	var j JoinRequest
	var created string
	if err := row.Scan(&j.ID, &j.UserID, &j.MunicipalityID, &j.Position, &j.Phone, &j.Status, &j.DecidedBy, &created); err != nil {
		return JoinRequest{}, err
	}
	var err error
	j.CreatedAt, err = parseTime(created)
	return j, err
}

// CreateJoinRequest records a pending request; a second pending one from
// the same person is ErrConflict.
func (db *DB) CreateJoinRequest(ctx context.Context, userID, municipalityID int64, position, phone string, now time.Time) (JoinRequest, error) {
	j, err := scanJoin(db.write.QueryRowContext(ctx, `INSERT INTO join_requests (user_id, municipality_id, position, phone, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING `+joinColumns, userID, municipalityID, position, phone, formatTime(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return JoinRequest{}, fmt.Errorf("store: join request of %d: %w", userID, ErrConflict)
	}
	if err != nil {
		return JoinRequest{}, fmt.Errorf("store: join request of %d: %w", userID, err)
	}
	return j, nil
}

// JoinRequest returns a request by id.
func (db *DB) JoinRequest(ctx context.Context, id int64) (JoinRequest, error) {
	j, err := scanJoin(db.read.QueryRowContext(ctx, "SELECT "+joinColumns+" FROM join_requests WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return JoinRequest{}, ErrNotFound
	}
	if err != nil {
		return JoinRequest{}, fmt.Errorf("store: join request %d: %w", id, err)
	}
	return j, nil
}

// DecideJoinRequest approves or rejects a pending request, in one
// transaction with the member's new role and the audit entry. A request
// already decided is ErrConflict: the first decision stands.
func (db *DB) DecideJoinRequest(ctx context.Context, id, by int64, approve bool, now time.Time) (JoinRequest, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return JoinRequest{}, fmt.Errorf("store: decide join request: %w", err)
	}
	defer tx.Rollback()
	status, action := "rejected", "reject"
	if approve {
		status, action = "approved", "approve"
	}
	ts := formatTime(now)
	j, err := scanJoin(tx.QueryRowContext(ctx, `UPDATE join_requests SET status = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND status = 'pending' RETURNING `+joinColumns, status, by, ts, id))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := db.JoinRequest(ctx, id); err != nil {
			return JoinRequest{}, err
		}
		return JoinRequest{}, fmt.Errorf("store: decide join request %d: %w", id, ErrConflict)
	}
	if err != nil {
		return JoinRequest{}, fmt.Errorf("store: decide join request %d: %w", id, err)
	}
	if approve {
		if _, err := tx.ExecContext(ctx, `UPDATE members SET municipality_id = ?, position = ?, phone = ?,
			role = CASE WHEN role = 'newcomer' THEN 'member' ELSE role END, updated_at = ? WHERE user_id = ?`,
			j.MunicipalityID, j.Position, j.Phone, ts, j.UserID); err != nil {
			return JoinRequest{}, fmt.Errorf("store: approve %d: %w", j.UserID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO audit (actor, action, subject, detail, at) VALUES (?, ?, ?, ?, ?)",
		by, action, memberSubject(j.UserID), "municipality "+strconv.FormatInt(j.MunicipalityID, 10), ts); err != nil {
		return JoinRequest{}, fmt.Errorf("store: audit %s: %w", action, err)
	}
	return j, tx.Commit()
}

// Deciders returns who decides join requests: the reachable coordinators,
// or the admins while there are none.
func (db *DB) Deciders(ctx context.Context) ([]Member, error) {
	for _, role := range []Role{RoleCoordinator, RoleAdmin} {
		ms, err := db.membersWhere(ctx, "role = ? AND reachable = 1", string(role))
		if err != nil || len(ms) > 0 {
			return ms, err
		}
	}
	return nil, nil
}

// VerifiedMembersOf returns the verified members of a municipality.
func (db *DB) VerifiedMembersOf(ctx context.Context, municipalityID int64) ([]Member, error) {
	return db.membersWhere(ctx, "municipality_id = ? AND role <> 'newcomer'", municipalityID)
}

// MemberByUsername finds a member by Telegram @username (without the @).
func (db *DB) MemberByUsername(ctx context.Context, username string) (Member, error) {
	ms, err := db.membersWhere(ctx, "username = ? COLLATE NOCASE", username)
	if err != nil {
		return Member{}, err
	}
	if len(ms) == 0 {
		return Member{}, ErrNotFound
	}
	return ms[0], nil
}

func (db *DB) membersWhere(ctx context.Context, where string, args ...any) ([]Member, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+memberColumns+" FROM members WHERE "+where+" ORDER BY user_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("store: members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ChangeRole sets a member's role and records who did it.
func (db *DB) ChangeRole(ctx context.Context, actor, userID int64, role Role, now time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: change role: %w", err)
	}
	defer tx.Rollback()
	ts := formatTime(now)
	res, err := tx.ExecContext(ctx, "UPDATE members SET role = ?, updated_at = ? WHERE user_id = ?", string(role), ts, userID)
	if err != nil {
		return fmt.Errorf("store: change role of %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: change role of %d: %w", userID, ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO audit (actor, action, subject, detail, at) VALUES (?, 'role', ?, ?, ?)",
		actor, memberSubject(userID), string(role), ts); err != nil {
		return fmt.Errorf("store: audit role: %w", err)
	}
	return tx.Commit()
}

// Invite makes whoever opens its link a verified member of a municipality.
type Invite struct {
	MunicipalityID int64
	Role           Role
	UsesLeft       int
	ExpiresAt      time.Time
}

// CreateInvite stores an invite under the hash of its token.
func (db *DB) CreateInvite(ctx context.Context, tokenHash string, inv Invite, by int64, now time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: create invite: %w", err)
	}
	defer tx.Rollback()
	ts := formatTime(now)
	if _, err := tx.ExecContext(ctx, `INSERT INTO invites (token_hash, municipality_id, role, uses_left, expires_at, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tokenHash, inv.MunicipalityID, string(inv.Role), inv.UsesLeft, formatTime(inv.ExpiresAt), by, ts); err != nil {
		return fmt.Errorf("store: create invite: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO audit (actor, action, subject, detail, at) VALUES (?, 'invite', ?, ?, ?)",
		by, "municipality:"+strconv.FormatInt(inv.MunicipalityID, 10),
		fmt.Sprintf("%s, %d uses, until %s", inv.Role, inv.UsesLeft, formatTime(inv.ExpiresAt)), ts); err != nil {
		return fmt.Errorf("store: audit invite: %w", err)
	}
	return tx.Commit()
}

// UseInvite spends one use of an invite on userID, making them a member of
// its municipality with its role (a more trusted role they have is kept).
// A token that was never issued is ErrNotFound.
func (db *DB) UseInvite(ctx context.Context, tokenHash string, userID int64, now time.Time) (Invite, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return Invite{}, fmt.Errorf("store: use invite: %w", err)
	}
	defer tx.Rollback()
	var inv Invite
	var role, expires string
	err = tx.QueryRowContext(ctx, "SELECT municipality_id, role, uses_left, expires_at FROM invites WHERE token_hash = ?", tokenHash).
		Scan(&inv.MunicipalityID, &role, &inv.UsesLeft, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Invite{}, ErrNotFound
	}
	if err != nil {
		return Invite{}, fmt.Errorf("store: use invite: %w", err)
	}
	inv.Role = Role(role)
	if inv.ExpiresAt, err = parseTime(expires); err != nil {
		return Invite{}, err
	}
	if !now.Before(inv.ExpiresAt) {
		return inv, ErrInviteExpired
	}
	if inv.UsesLeft <= 0 {
		return inv, ErrInviteUsedUp
	}
	ts := formatTime(now)
	if _, err := tx.ExecContext(ctx, "UPDATE invites SET uses_left = uses_left - 1 WHERE token_hash = ?", tokenHash); err != nil {
		return Invite{}, fmt.Errorf("store: use invite: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE members SET municipality_id = ?, updated_at = ?,
		role = CASE WHEN role IN ('newcomer', 'member') THEN ? ELSE role END WHERE user_id = ?`,
		inv.MunicipalityID, ts, role, userID); err != nil {
		return Invite{}, fmt.Errorf("store: use invite: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO audit (actor, action, subject, detail, at) VALUES (?, 'join_by_invite', ?, ?, ?)",
		userID, memberSubject(userID), "municipality "+strconv.FormatInt(inv.MunicipalityID, 10), ts); err != nil {
		return Invite{}, fmt.Errorf("store: audit invite use: %w", err)
	}
	inv.UsesLeft--
	return inv, tx.Commit()
}

// Partnered reports whether a proposal between two municipalities (either
// way) has been accepted: then their members may see each other's contacts.
func (db *DB) Partnered(ctx context.Context, a, b int64) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposals WHERE status = 'accepted'
		AND ((from_municipality = ? AND to_municipality = ?) OR (from_municipality = ? AND to_municipality = ?))`, a, b, b, a).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: partnered: %w", err)
	}
	return n > 0, nil
}

func memberSubject(id int64) string { return "member:" + strconv.FormatInt(id, 10) }

// PendingJoinRequest returns the person's pending request, if any.
func (db *DB) PendingJoinRequest(ctx context.Context, userID int64) (JoinRequest, bool, error) {
	j, err := scanJoin(db.read.QueryRowContext(ctx, "SELECT "+joinColumns+" FROM join_requests WHERE user_id = ? AND status = 'pending'", userID))
	if errors.Is(err, sql.ErrNoRows) {
		return JoinRequest{}, false, nil
	}
	if err != nil {
		return JoinRequest{}, false, fmt.Errorf("store: pending join request of %d: %w", userID, err)
	}
	return j, true, nil
}
