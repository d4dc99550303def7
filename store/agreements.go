package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Agreement stages, from the first step of a partnership to the closest.
const (
	StageIntent     = "intent"     // protocol of intent
	StageAgreement  = "agreement"  // cooperation agreement
	StageTwinning   = "twinning"   // twin towns
	StageProgramme  = "programme"  // programme of interaction
	StageFriendship = "friendship" // friendship and contacts
)

// Stages lists the agreement stages in the order of a partnership.
var Stages = []string{StageIntent, StageAgreement, StageTwinning, StageProgramme, StageFriendship}

// Agreement statuses.
const (
	StatusInForce    = "in_force"
	StatusExpired    = "expired"
	StatusTerminated = "terminated"
)

// Statuses lists the agreement statuses.
var Statuses = []string{StatusInForce, StatusExpired, StatusTerminated}

// Where an agreement came from.
const (
	OriginManual   = "manual"
	OriginDocument = "document"
	OriginImport   = "import"
)

// Sentence is a sentence of an agreement's text with the clause it belongs
// to ("2.1", "Статья 3", or "").
type Sentence struct {
	Text   string `json:"text"`
	Clause string `json:"clause,omitempty"`
}

// Source is the uploaded document an agreement was read from.
type Source struct {
	Name   string
	FileID string // Telegram's file_id, to send the document again
	Size   int64
	SHA256 string // hex; one document is one agreement
}

// Agreement is a cooperation agreement between municipalities (and
// possibly regions).
type Agreement struct {
	ID    int64
	Title string
	Stage string // one of Stages
	// SignedOn and InForceOn are "YYYY-MM-DD", or "YYYY" when only the
	// year is known, or "" when unknown.
	SignedOn  string
	InForceOn string
	// TermMonths is the agreement's term; 0 means unknown, or no term when
	// Indefinite is set.
	TermMonths  int
	Indefinite  bool
	AutoRenewal bool
	// NoticeMonths is the notice period before renewal or termination; 0
	// when none is stated.
	NoticeMonths int
	Status       string // one of Statuses
	Areas        []string
	// Parties are the municipalities that are parties, by directory id;
	// Regions the parties that are regions, by region code.
	Parties   []int64
	Regions   []string
	Languages []string
	Summary   []Sentence
	Clauses   []Sentence
	Source    Source
	Origin    string // one of the Origin constants; OriginManual by default
	AddedBy   int64
	CreatedAt time.Time
	UpdatedAt time.Time // zero until the first edit
	// Revision starts at 1 and grows with every edit.
	Revision int
}

// AgreementSubject is the job subject of an agreement's reminders: a change
// to the agreement cancels the pending jobs of its subject.
func AgreementSubject(id int64) string { return "agreement:" + strconv.FormatInt(id, 10) }

// AddAgreement stores an agreement with its parties.
func (db *DB) AddAgreement(ctx context.Context, a Agreement, now time.Time) (int64, error) {
	stored, err := db.CreateAgreement(ctx, a, nil, now)
	return stored.ID, err
}

// CreateAgreement stores a new agreement and, in the same transaction, the
// jobs that jobs returns for the stored agreement (nil for none). An
// agreement needs two parties, one of them a municipality; a document that
// is already in the registry is ErrConflict.
func (db *DB) CreateAgreement(ctx context.Context, a Agreement, jobs func(Agreement) []Job, now time.Time) (Agreement, error) {
	var stored Agreement
	err := db.withWriteTx(ctx, "add agreement", func(tx *txn) error {
		var err error
		stored, err = insertAgreement(ctx, tx, a, now)
		if err != nil {
			return err
		}
		if jobs != nil {
			if _, err := insertJobs(ctx, tx, jobs(stored), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Agreement{}, err
	}
	return stored, nil
}

// ImportAgreements stores agreements read from the association's registry
// in one transaction, with their jobs: all of them or none.
func (db *DB) ImportAgreements(ctx context.Context, list []Agreement, jobs func(Agreement) []Job, now time.Time) ([]Agreement, error) {
	out := make([]Agreement, 0, len(list))
	err := db.withWriteTx(ctx, "import agreements", func(tx *txn) error {
		for i, a := range list {
			if a.Origin == "" {
				a.Origin = OriginImport
			}
			stored, err := insertAgreement(ctx, tx, a, now)
			if err != nil {
				return fmt.Errorf("agreement %d of %d: %w", i+1, len(list), err)
			}
			if jobs != nil {
				if _, err := insertJobs(ctx, tx, jobs(stored), now); err != nil {
					return err
				}
			}
			out = append(out, stored)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAgreement replaces a stored agreement's fields with a's if its
// revision is still a.Revision (else ErrConflict), raises the revision,
// records who edited it in the audit log, and in the same transaction
// cancels the agreement's pending jobs and writes those jobs returns for
// the new version. AddedBy, CreatedAt and Origin are kept.
func (db *DB) UpdateAgreement(ctx context.Context, a Agreement, by int64, jobs func(Agreement) []Job, now time.Time) (Agreement, error) {
	var stored Agreement
	err := db.withWriteTx(ctx, "update agreement", func(tx *txn) error {
		if err := checkAgreement(&a); err != nil {
			return err
		}
		cols, err := agreementValues(a)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE agreements SET title = ?, stage = ?, signed_on = ?, in_force_on = ?,
			term_months = ?, indefinite = ?, auto_renewal = ?, notice_months = ?, status = ?, areas = ?,
			languages = ?, summary = ?, clauses = ?, source_name = ?, source_file_id = ?, source_size = ?,
			source_sha256 = ?, revision = revision + 1, updated_at = ?
			WHERE id = ? AND revision = ?`, append(cols, formatTime(now), a.ID, a.Revision)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := agreementIn(ctx, tx, a.ID); err != nil {
				return err
			}
			return fmt.Errorf("agreement %d changed since revision %d: %w", a.ID, a.Revision, ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM agreement_parties WHERE agreement_id = ?", a.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM agreement_regions WHERE agreement_id = ?", a.ID); err != nil {
			return err
		}
		if err := insertParties(ctx, tx, a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO audit (actor, action, subject, detail, at) VALUES (?, 'edit', ?, ?, ?)",
			by, AgreementSubject(a.ID), "revision "+strconv.Itoa(a.Revision+1), formatTime(now)); err != nil {
			return err
		}
		if stored, err = agreementIn(ctx, tx, a.ID); err != nil {
			return err
		}
		c := JobChange{Cancel: JobFilter{Subject: AgreementSubject(a.ID)}}
		if jobs != nil {
			c.Add = jobs(stored)
		}
		return applyJobChange(ctx, tx, c, now)
	})
	if err != nil {
		return Agreement{}, err
	}
	return stored, nil
}

// Agreement returns the agreement with the given id, or ErrNotFound.
func (db *DB) Agreement(ctx context.Context, id int64) (Agreement, error) {
	a, err := agreementIn(ctx, db.read, id)
	if err != nil {
		return Agreement{}, fmt.Errorf("store: agreement %d: %w", id, err)
	}
	return a, nil
}

// AgreementBySource returns the agreement read from the document with the
// given SHA-256, or ErrNotFound.
func (db *DB) AgreementBySource(ctx context.Context, sha256 string) (Agreement, error) {
	if sha256 == "" {
		return Agreement{}, ErrNotFound
	}
	list, err := queryAgreements(ctx, db.read, agreementColumns, "WHERE a.source_sha256 = ?", sha256)
	if err != nil {
		return Agreement{}, fmt.Errorf("store: agreement by source: %w", err)
	}
	if len(list) == 0 {
		return Agreement{}, ErrNotFound
	}
	return list[0], nil
}

// AgreementsOf returns a municipality's agreements, newest first: by the
// date signed (unknown dates last), then the newest entry first. Lists need
// no texts, so Summary and Clauses are left empty: Agreement has them.
func (db *DB) AgreementsOf(ctx context.Context, municipalityID int64) ([]Agreement, error) {
	list, err := queryAgreements(ctx, db.read, agreementListColumns,
		"WHERE a.id IN (SELECT agreement_id FROM agreement_parties WHERE municipality_id = ?)", municipalityID)
	if err != nil {
		return nil, fmt.Errorf("store: agreements of %d: %w", municipalityID, err)
	}
	return list, nil
}

// Ties returns, for every municipality with agreements, the municipalities it
// has agreements with.
func (db *DB) Ties(ctx context.Context) (map[int64][]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT a.municipality_id, b.municipality_id
		FROM agreement_parties a JOIN agreement_parties b
		ON a.agreement_id = b.agreement_id AND a.municipality_id <> b.municipality_id
		JOIN agreements g ON g.id = a.agreement_id WHERE g.status <> 'terminated'`)
	if err != nil {
		return nil, fmt.Errorf("store: ties: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return nil, fmt.Errorf("store: ties: %w", err)
		}
		out[a] = append(out[a], b)
	}
	return out, rows.Err()
}

// querier is what reads need: the reader pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const agreementColumns = `a.id, a.title, a.stage, a.signed_on, a.in_force_on, a.term_months, a.indefinite,
	a.auto_renewal, a.notice_months, a.status, a.areas, a.languages, a.summary, a.clauses, a.source_name,
	a.source_file_id, a.source_size, a.source_sha256, a.origin, a.added_by, a.created_at, a.updated_at, a.revision,
	(SELECT group_concat(municipality_id) FROM (SELECT municipality_id FROM agreement_parties p
		WHERE p.agreement_id = a.id ORDER BY p.rowid)),
	(SELECT group_concat(region_code) FROM (SELECT region_code FROM agreement_regions r
		WHERE r.agreement_id = a.id ORDER BY r.rowid))`

// agreementListColumns are agreementColumns without the texts, which can be
// long: summary and clauses are read as empty.
var agreementListColumns = strings.Replace(agreementColumns, "a.summary, a.clauses", "'', ''", 1)

func agreementIn(ctx context.Context, q querier, id int64) (Agreement, error) {
	list, err := queryAgreements(ctx, q, agreementColumns, "WHERE a.id = ?", id)
	if err != nil {
		return Agreement{}, err
	}
	if len(list) == 0 {
		return Agreement{}, ErrNotFound
	}
	return list[0], nil
}

func queryAgreements(ctx context.Context, q querier, columns, where string, args ...any) ([]Agreement, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+columns+" FROM agreements a "+where+
		" ORDER BY a.signed_on DESC, a.id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Agreement
	for rows.Next() {
		a, err := scanAgreement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func scanAgreement(row scanner) (Agreement, error) {
	var a Agreement
	var areas, langs, summary, clauses, created, updated string
	var parties, regions sql.NullString
	if err := row.Scan(&a.ID, &a.Title, &a.Stage, &a.SignedOn, &a.InForceOn, &a.TermMonths, &a.Indefinite,
		&a.AutoRenewal, &a.NoticeMonths, &a.Status, &areas, &langs, &summary, &clauses, &a.Source.Name,
		&a.Source.FileID, &a.Source.Size, &a.Source.SHA256, &a.Origin, &a.AddedBy, &created, &updated, &a.Revision,
		&parties, &regions); err != nil {
		return Agreement{}, err
	}
	a.Areas = splitList(areas)
	a.Languages = splitList(langs)
	a.Regions = splitList(regions.String)
	for _, p := range splitList(parties.String) {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return Agreement{}, fmt.Errorf("agreement %d: party %q: %w", a.ID, p, err)
		}
		a.Parties = append(a.Parties, id)
	}
	if err := unmarshalSentences(summary, &a.Summary); err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: summary: %w", a.ID, err)
	}
	if err := unmarshalSentences(clauses, &a.Clauses); err != nil {
		return Agreement{}, fmt.Errorf("agreement %d: clauses: %w", a.ID, err)
	}
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return Agreement{}, err
	}
	if updated != "" {
		if a.UpdatedAt, err = parseTime(updated); err != nil {
			return Agreement{}, err
		}
	}
	return a, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func unmarshalSentences(s string, dst *[]Sentence) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), dst)
}

func marshalSentences(list []Sentence) (string, error) {
	if len(list) == 0 {
		return "", nil
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// checkAgreement fills defaults and refuses what the registry cannot hold.
func checkAgreement(a *Agreement) error {
	if a.Stage == "" {
		a.Stage = StageAgreement
	}
	if a.Status == "" {
		a.Status = StatusInForce
	}
	if a.Origin == "" {
		a.Origin = OriginManual
	}
	parties := uniqueIDs(a.Parties)
	regions := uniqueStrings(a.Regions)
	if len(parties) == 0 || len(parties)+len(regions) < 2 {
		return fmt.Errorf("%w: an agreement needs two parties, one of them a municipality", ErrConflict)
	}
	for _, list := range [][]string{a.Areas, a.Languages, a.Regions} {
		for _, s := range list {
			if s == "" || strings.Contains(s, ",") {
				return fmt.Errorf("%w: bad list item %q", ErrConflict, s)
			}
		}
	}
	a.Parties, a.Regions = parties, regions
	return nil
}

func uniqueStrings(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// agreementValues returns the columns UpdateAgreement and insertAgreement
// both write, from title to source_sha256.
func agreementValues(a Agreement) ([]any, error) {
	summary, err := marshalSentences(a.Summary)
	if err != nil {
		return nil, err
	}
	clauses, err := marshalSentences(a.Clauses)
	if err != nil {
		return nil, err
	}
	return []any{a.Title, a.Stage, a.SignedOn, a.InForceOn, a.TermMonths, a.Indefinite, a.AutoRenewal,
		a.NoticeMonths, a.Status, strings.Join(a.Areas, ","), strings.Join(a.Languages, ","), summary, clauses,
		a.Source.Name, a.Source.FileID, a.Source.Size, a.Source.SHA256}, nil
}

func insertAgreement(ctx context.Context, tx *txn, a Agreement, now time.Time) (Agreement, error) {
	if err := checkAgreement(&a); err != nil {
		return Agreement{}, err
	}
	cols, err := agreementValues(a)
	if err != nil {
		return Agreement{}, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO agreements (title, stage, signed_on, in_force_on, term_months,
		indefinite, auto_renewal, notice_months, status, areas, languages, summary, clauses, source_name,
		source_file_id, source_size, source_sha256, origin, added_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(cols, a.Origin, a.AddedBy, formatTime(now))...)
	if err != nil {
		if a.Source.SHA256 != "" && strings.Contains(err.Error(), "UNIQUE") {
			return Agreement{}, fmt.Errorf("%w: the document is already in the registry", ErrConflict)
		}
		return Agreement{}, err
	}
	if a.ID, err = res.LastInsertId(); err != nil {
		return Agreement{}, err
	}
	if err := insertParties(ctx, tx, a); err != nil {
		return Agreement{}, err
	}
	return agreementIn(ctx, tx, a.ID)
}

func insertParties(ctx context.Context, tx *txn, a Agreement) error {
	for _, p := range a.Parties {
		if _, err := tx.ExecContext(ctx, "INSERT INTO agreement_parties (agreement_id, municipality_id) VALUES (?, ?)", a.ID, p); err != nil {
			return fmt.Errorf("party %d: %w", p, err)
		}
	}
	for _, r := range a.Regions {
		if _, err := tx.ExecContext(ctx, "INSERT INTO agreement_regions (agreement_id, region_code) VALUES (?, ?)", a.ID, r); err != nil {
			return fmt.Errorf("region party %s: %w", r, err)
		}
	}
	return nil
}
