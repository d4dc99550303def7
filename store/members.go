package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Role is what a member may do in the bot.
type Role string

// Verified reports whether the member has been accepted into the
// association: a newcomer has not.
func (m Member) Verified() bool { return m.Role != RoleNewcomer && m.Role != "" }

// AtLeast reports whether the member's role is role or a more trusted one.
func (m Member) AtLeast(role Role) bool { return roleRank[m.Role] >= roleRank[role] }

var roleRank = map[Role]int{RoleNewcomer: 0, RoleMember: 1, RoleCoordinator: 2, RoleAdmin: 3}

// Roles, from least to most trusted.
const (
	RoleNewcomer    Role = "newcomer"
	RoleMember      Role = "member"
	RoleCoordinator Role = "coordinator"
	RoleAdmin       Role = "admin"
)

// Member is a person who has talked to the bot.
type Member struct {
	UserID         int64
	FirstName      string
	LastName       string
	Username       string
	Language       string
	LanguageChosen bool // set by /language; Telegram's language_code no longer applies
	MunicipalityID int64
	Position       string
	Role           Role
	Reachable      bool // false after the member blocked the bot
	TimeZone       string
	Phone          string // shared with the "share contact" button when joining; shown only to trusted members
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Profile is what Telegram tells about a user with every update.
type Profile struct {
	UserID    int64
	FirstName string
	LastName  string
	Username  string
	Language  string // already mapped to a supported language
}

const memberColumns = `user_id, first_name, last_name, username, language, language_chosen,
	COALESCE(municipality_id, 0), position, role, reachable, time_zone, phone, created_at, updated_at`

// Member returns the member with the given Telegram user id, or ErrNotFound.
func (db *DB) Member(ctx context.Context, userID int64) (Member, error) {
	row := db.read.QueryRowContext(ctx, "SELECT "+memberColumns+" FROM members WHERE user_id = ?", userID)
	m, err := scanMember(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, ErrNotFound
	}
	if err != nil {
		return Member{}, fmt.Errorf("store: member %d: %w", userID, err)
	}
	return m, nil
}

// TouchMember records that the user behind p has written to the bot: it
// creates the member on first contact, and otherwise refreshes the names,
// the language (unless the member chose one) and marks them reachable again.
// It writes only when something changed. created reports a new member.
func (db *DB) TouchMember(ctx context.Context, p Profile, now time.Time) (m Member, created bool, err error) {
	m, err = db.Member(ctx, p.UserID)
	switch {
	case errors.Is(err, ErrNotFound):
		ts := formatTime(now)
		_, err = db.write.ExecContext(ctx, `INSERT INTO members
			(user_id, first_name, last_name, username, language, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO NOTHING`,
			p.UserID, p.FirstName, p.LastName, p.Username, p.Language, ts, ts)
		if err != nil {
			return Member{}, false, fmt.Errorf("store: create member %d: %w", p.UserID, err)
		}
		m, err = db.Member(ctx, p.UserID)
		return m, err == nil, err
	case err != nil:
		return Member{}, false, err
	}
	lang := m.Language
	if !m.LanguageChosen {
		lang = p.Language
	}
	if m.FirstName == p.FirstName && m.LastName == p.LastName && m.Username == p.Username &&
		m.Language == lang && m.Reachable {
		return m, false, nil
	}
	_, err = db.write.ExecContext(ctx, `UPDATE members SET first_name = ?, last_name = ?, username = ?,
		language = CASE WHEN language_chosen THEN language ELSE ? END, reachable = 1, updated_at = ?
		WHERE user_id = ?`, p.FirstName, p.LastName, p.Username, p.Language, formatTime(now), p.UserID)
	if err != nil {
		return Member{}, false, fmt.Errorf("store: refresh member %d: %w", p.UserID, err)
	}
	m, err = db.Member(ctx, p.UserID)
	return m, false, err
}

// SetLanguage stores the language a member chose; it outlives Telegram's
// language_code.
func (db *DB) SetLanguage(ctx context.Context, userID int64, lang string, now time.Time) error {
	return db.updateMember(ctx, "set language", userID,
		"language = ?, language_chosen = 1, updated_at = ?", lang, formatTime(now))
}

// SetRole changes a member's role.
func (db *DB) SetRole(ctx context.Context, userID int64, role Role, now time.Time) error {
	return db.updateMember(ctx, "set role", userID, "role = ?, updated_at = ?", string(role), formatTime(now))
}

// SetReachable records whether messages can be delivered to the member
// (false after Telegram answered 403 or the member blocked the bot).
func (db *DB) SetReachable(ctx context.Context, userID int64, reachable bool, now time.Time) error {
	return db.updateMember(ctx, "set reachable", userID, "reachable = ?, updated_at = ?", reachable, formatTime(now))
}

func (db *DB) updateMember(ctx context.Context, op string, userID int64, set string, args ...any) error {
	res, err := db.write.ExecContext(ctx, "UPDATE members SET "+set+" WHERE user_id = ?", append(args, userID)...)
	if err != nil {
		return fmt.Errorf("store: %s for member %d: %w", op, userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: %s for member %d: %w", op, userID, ErrNotFound)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanMember(row scanner) (Member, error) {
	var m Member
	var role, created, updated string
	if err := row.Scan(&m.UserID, &m.FirstName, &m.LastName, &m.Username, &m.Language, &m.LanguageChosen,
		&m.MunicipalityID, &m.Position, &role, &m.Reachable, &m.TimeZone, &m.Phone, &created, &updated); err != nil {
		return Member{}, err
	}
	m.Role = Role(role)
	var err error
	if m.CreatedAt, err = parseTime(created); err != nil {
		return Member{}, err
	}
	if m.UpdatedAt, err = parseTime(updated); err != nil {
		return Member{}, err
	}
	return m, nil
}
