package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SetMunicipality records which municipality a member represents.
func (db *DB) SetMunicipality(ctx context.Context, userID, municipalityID int64, now time.Time) error {
	return db.updateMember(ctx, "set municipality", userID, "municipality_id = ?, updated_at = ?", municipalityID, formatTime(now))
}

// MembersOf returns the reachable members who represent a municipality,
// the first limit of them by user id (all of them when limit ≤ 0).
func (db *DB) MembersOf(ctx context.Context, municipalityID int64, limit int) ([]Member, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+memberColumns+
		" FROM members WHERE municipality_id = ? AND reachable = 1 ORDER BY user_id LIMIT ?", municipalityID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: members of %d: %w", municipalityID, err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("store: members of %d: %w", municipalityID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountMembersOf returns how many reachable members represent a
// municipality.
func (db *DB) CountMembersOf(ctx context.Context, municipalityID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM members WHERE municipality_id = ? AND reachable = 1", municipalityID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count members of %d: %w", municipalityID, err)
	}
	return n, nil
}

// MemberCounts returns how many members represent each municipality.
func (db *DB) MemberCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := db.read.QueryContext(ctx,
		"SELECT municipality_id, COUNT(*) FROM members WHERE municipality_id IS NOT NULL GROUP BY municipality_id")
	if err != nil {
		return nil, fmt.Errorf("store: member counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: member counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Areas returns the areas of cooperation a municipality declared, sorted.
func (db *DB) Areas(ctx context.Context, municipalityID int64) ([]string, error) {
	rows, err := db.read.QueryContext(ctx,
		"SELECT area FROM municipality_areas WHERE municipality_id = ? ORDER BY area", municipalityID)
	if err != nil {
		return nil, fmt.Errorf("store: areas of %d: %w", municipalityID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: areas of %d: %w", municipalityID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AllAreas returns every municipality's declared areas.
func (db *DB) AllAreas(ctx context.Context) (map[int64][]string, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT municipality_id, area FROM municipality_areas ORDER BY municipality_id, area")
	if err != nil {
		return nil, fmt.Errorf("store: all areas: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var a string
		if err := rows.Scan(&id, &a); err != nil {
			return nil, fmt.Errorf("store: all areas: %w", err)
		}
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}

// ToggleArea switches a declared area on or off and reports whether it is on
// afterwards.
func (db *DB) ToggleArea(ctx context.Context, municipalityID int64, area string, by int64, now time.Time) (bool, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: toggle area: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "DELETE FROM municipality_areas WHERE municipality_id = ? AND area = ?", municipalityID, area)
	if err != nil {
		return false, fmt.Errorf("store: toggle area: %w", err)
	}
	on := false
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO municipality_areas (municipality_id, area, updated_by, updated_at)
			VALUES (?, ?, ?, ?)`, municipalityID, area, by, formatTime(now)); err != nil {
			return false, fmt.Errorf("store: toggle area: %w", err)
		}
		on = true
	}
	return on, tx.Commit()
}

// Proposal is a proposal of partnership from one municipality to another.
type Proposal struct {
	ID               int64
	FromMember       int64
	FromMunicipality int64
	ToMunicipality   int64
	Status           string // pending, accepted, declined
	AnsweredBy       int64
	CreatedAt        time.Time
}

const proposalColumns = "id, from_member, from_municipality, to_municipality, status, answered_by, created_at"

func scanProposal(row scanner) (Proposal, error) {
	var p Proposal
	var created string
	if err := row.Scan(&p.ID, &p.FromMember, &p.FromMunicipality, &p.ToMunicipality, &p.Status, &p.AnsweredBy, &created); err != nil {
		return Proposal{}, err
	}
	var err error
	p.CreatedAt, err = parseTime(created)
	return p, err
}

// CreateProposal records a pending proposal. A second pending proposal
// between the same municipalities is ErrConflict.
func (db *DB) CreateProposal(ctx context.Context, fromMember, fromMunicipality, toMunicipality int64, now time.Time) (Proposal, error) {
	row := db.write.QueryRowContext(ctx, `INSERT INTO proposals (from_member, from_municipality, to_municipality, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING `+proposalColumns,
		fromMember, fromMunicipality, toMunicipality, formatTime(now))
	p, err := scanProposal(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, fmt.Errorf("store: create proposal: %w", ErrConflict)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("store: create proposal: %w", err)
	}
	return p, nil
}

// Proposal returns a proposal by id.
func (db *DB) Proposal(ctx context.Context, id int64) (Proposal, error) {
	p, err := scanProposal(db.read.QueryRowContext(ctx, "SELECT "+proposalColumns+" FROM proposals WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, ErrNotFound
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("store: proposal %d: %w", id, err)
	}
	return p, nil
}

// AnswerProposal accepts or declines a pending proposal. Answering one that
// is no longer pending is ErrConflict: the first answer stands.
func (db *DB) AnswerProposal(ctx context.Context, id, by int64, accept bool, now time.Time) (Proposal, error) {
	status := "declined"
	if accept {
		status = "accepted"
	}
	p, err := scanProposal(db.write.QueryRowContext(ctx, `UPDATE proposals SET status = ?, answered_by = ?, answered_at = ?
		WHERE id = ? AND status = 'pending' RETURNING `+proposalColumns, status, by, formatTime(now), id))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := db.Proposal(ctx, id); err != nil {
			return Proposal{}, err
		}
		return Proposal{}, fmt.Errorf("store: answer proposal %d: %w", id, ErrConflict)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("store: answer proposal %d: %w", id, err)
	}
	return p, nil
}

// UndeliveredProposals returns the pending proposals to a municipality that
// have not been shown to the member yet.
func (db *DB) UndeliveredProposals(ctx context.Context, municipalityID, memberID int64) ([]Proposal, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+proposalColumns+` FROM proposals p
		WHERE to_municipality = ? AND status = 'pending'
		AND NOT EXISTS (SELECT 1 FROM proposal_deliveries d WHERE d.proposal_id = p.id AND d.member_id = ?)
		ORDER BY id`, municipalityID, memberID)
	if err != nil {
		return nil, fmt.Errorf("store: undelivered proposals: %w", err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, fmt.Errorf("store: undelivered proposals: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkProposalDelivered records that a member has been shown a proposal.
func (db *DB) MarkProposalDelivered(ctx context.Context, proposalID, memberID int64, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT OR IGNORE INTO proposal_deliveries (proposal_id, member_id, delivered_at)
		VALUES (?, ?, ?)`, proposalID, memberID, formatTime(now))
	if err != nil {
		return fmt.Errorf("store: mark proposal %d delivered: %w", proposalID, err)
	}
	return nil
}
