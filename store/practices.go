package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Statuses of a practice.
const (
	PracticePublished = "published"
	PracticeWithdrawn = "withdrawn" // by its author or a coordinator; final
	PracticeHidden    = "hidden"    // by a coordinator; may be shown again
)

// File kinds a practice may carry.
const (
	PracticePhoto    = "photo"
	PracticeDocument = "document"
)

// Practice is a best practice of a municipality: what was done, the
// problem it solved and the measurable result.
type Practice struct {
	ID             int64
	MunicipalityID int64
	Country        string // "RU" or "BY", from the directory
	RegionCode     string // "BY.07", from the directory
	Population     int    // of the municipality, from the directory
	AuthorID       int64  // who wrote it; 0 after the author was forgotten
	Lang           string // the language it is written in
	Title          string
	Areas          []string // area keys
	Problem        string
	Actions        string
	Result         string
	Period         string
	FileKind       string // "", PracticePhoto or PracticeDocument
	FileID         string // Telegram file_id
	FileName       string
	ContactOK      bool // the author agrees to be asked about it
	Status         string
	Recommended    bool // recommended for replication by a coordinator
	RecommendedAt  time.Time
	Asks           int // how many members asked about it
	// Terms are the search keys of the practice, space-separated; the
	// caller computes them. Searches do not read them back.
	Terms     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Subject names the practice in the audit log.
func (p Practice) Subject() string { return practiceSubject(p.ID) }

func practiceSubject(id int64) string { return "practice:" + strconv.FormatInt(id, 10) }

// askWeight is how many days newer one doubling of a practice's asks makes
// it: the list shows the newest and the most asked-about first, and a
// practice asked about by 7 members ranks like one published three months
// later without asks.
const askWeight = 30

// practiceRank is the sort key of a practice: its age in days since the
// epoch, plus askWeight days for each doubling of its asks. It only changes
// when someone asks, so it can be indexed.
func practiceRank(created time.Time, asks int) float64 {
	return float64(created.Unix())/86400 + askWeight*math.Log2(1+float64(asks))
}

const practiceColumns = `p.id, p.municipality_id, p.country, p.region_code, p.population, p.author_id, p.lang, p.title,
	p.areas, p.problem, p.actions, p.result, p.period, p.file_kind, p.file_id, p.file_name, p.contact_ok, p.status,
	p.recommended, p.recommended_at, p.asks, p.created_at, p.updated_at`

func scanPractice(row scanner, extra ...any) (Practice, error) {
	var p Practice
	var areas, recAt, created, updated string
	dest := []any{&p.ID, &p.MunicipalityID, &p.Country, &p.RegionCode, &p.Population, &p.AuthorID, &p.Lang, &p.Title,
		&areas, &p.Problem, &p.Actions, &p.Result, &p.Period, &p.FileKind, &p.FileID, &p.FileName, &p.ContactOK, &p.Status,
		&p.Recommended, &recAt, &p.Asks, &created, &updated}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return Practice{}, err
	}
	if areas != "" {
		p.Areas = strings.Split(areas, ",")
	}
	var err error
	if recAt != "" {
		if p.RecommendedAt, err = parseTime(recAt); err != nil {
			return Practice{}, err
		}
	}
	if p.CreatedAt, err = parseTime(created); err != nil {
		return Practice{}, err
	}
	if p.UpdatedAt, err = parseTime(updated); err != nil {
		return Practice{}, err
	}
	return p, nil
}

// practiceTx runs fn in a write transaction and commits when it returns nil.
func (db *DB) practiceTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: commit: %w", op, err)
	}
	return nil
}

// CreatePractice stores and publishes a practice. Status, asks,
// recommendation and times are set here; the rest comes from p.
func (db *DB) CreatePractice(ctx context.Context, p Practice, now time.Time) (Practice, error) {
	if strings.TrimSpace(p.Title) == "" || p.MunicipalityID == 0 {
		return Practice{}, fmt.Errorf("store: create practice: %w: title and municipality are required", ErrConflict)
	}
	ts := formatTime(now)
	err := db.practiceTx(ctx, "create practice", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO practices (municipality_id, country, region_code, population, author_id,
			lang, title, areas, problem, actions, result, period, file_kind, file_id, file_name, contact_ok, rank, terms,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.MunicipalityID, p.Country, p.RegionCode, p.Population, p.AuthorID, p.Lang, p.Title, strings.Join(p.Areas, ","),
			p.Problem, p.Actions, p.Result, p.Period, p.FileKind, p.FileID, p.FileName, p.ContactOK,
			practiceRank(now, 0), p.Terms, ts, ts).Scan(&p.ID)
		if err != nil {
			return err
		}
		if err := putPracticeAreas(ctx, tx, p.ID, p.Areas); err != nil {
			return err
		}
		return indexPractice(ctx, tx, p.ID, p.Terms, p.Areas)
	})
	if err != nil {
		return Practice{}, err
	}
	return db.Practice(ctx, p.ID)
}

func putPracticeAreas(ctx context.Context, tx *sql.Tx, id int64, areas []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM practice_areas WHERE practice_id = ?", id); err != nil {
		return err
	}
	for _, a := range areas {
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO practice_areas (area, practice_id) VALUES (?, ?)", a, id); err != nil {
			return err
		}
	}
	return nil
}

func indexPractice(ctx context.Context, tx *sql.Tx, id int64, terms string, areas []string) error {
	if err := unindexPractice(ctx, tx, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO practice_search (rowid, terms, areas) VALUES (?, ?, ?)",
		id, terms, strings.Join(areas, " "))
	return err
}

func unindexPractice(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM practice_search WHERE rowid = ?", id)
	return err
}

// Practice returns a practice whatever its status, or ErrNotFound.
func (db *DB) Practice(ctx context.Context, id int64) (Practice, error) {
	return db.practice(ctx, db.read, id)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) practice(ctx context.Context, q queryRower, id int64) (Practice, error) {
	p, err := scanPractice(q.QueryRowContext(ctx, "SELECT "+practiceColumns+" FROM practices p WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Practice{}, fmt.Errorf("store: practice %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Practice{}, fmt.Errorf("store: practice %d: %w", id, err)
	}
	return p, nil
}

// UpdatePractice replaces the content of a practice — title, areas, texts,
// file, contact consent, language and search terms — and keeps the rest.
// A withdrawn practice cannot change (ErrConflict). A change by anyone but
// the author is recorded in the audit log.
func (db *DB) UpdatePractice(ctx context.Context, p Practice, actor int64, now time.Time) (Practice, error) {
	err := db.practiceTx(ctx, "update practice", func(tx *sql.Tx) error {
		cur, err := db.practice(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if cur.Status == PracticeWithdrawn {
			return ErrConflict
		}
		if _, err := tx.ExecContext(ctx, `UPDATE practices SET lang = ?, title = ?, areas = ?, problem = ?, actions = ?,
			result = ?, period = ?, file_kind = ?, file_id = ?, file_name = ?, contact_ok = ?, terms = ?, updated_at = ?
			WHERE id = ?`, p.Lang, p.Title, strings.Join(p.Areas, ","), p.Problem, p.Actions, p.Result, p.Period,
			p.FileKind, p.FileID, p.FileName, p.ContactOK, p.Terms, formatTime(now), p.ID); err != nil {
			return err
		}
		if err := putPracticeAreas(ctx, tx, p.ID, p.Areas); err != nil {
			return err
		}
		if cur.Status == PracticePublished {
			if err := indexPractice(ctx, tx, p.ID, p.Terms, p.Areas); err != nil {
				return err
			}
		}
		if actor != cur.AuthorID {
			return auditPractice(ctx, tx, actor, "practice.edit", p.ID, "", now)
		}
		return nil
	})
	if err != nil {
		return Practice{}, err
	}
	return db.Practice(ctx, p.ID)
}

func auditPractice(ctx context.Context, tx *sql.Tx, actor int64, action string, id int64, detail string, now time.Time) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO audit (actor, action, subject, detail, at) VALUES (?, ?, ?, ?, ?)",
		actor, action, practiceSubject(id), detail, formatTime(now))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// WithdrawPractice takes a practice down for good. A withdrawal by anyone
// but the author is recorded in the audit log. Withdrawing twice is
// ErrConflict.
func (db *DB) WithdrawPractice(ctx context.Context, id, actor int64, now time.Time) (Practice, error) {
	return db.changePracticeStatus(ctx, "withdraw practice", id, actor, now, func(cur Practice) (string, string, error) {
		if cur.Status == PracticeWithdrawn {
			return "", "", ErrConflict
		}
		action := ""
		if actor != cur.AuthorID {
			action = "practice.withdraw"
		}
		return PracticeWithdrawn, action, nil
	})
}

// HidePractice hides a published practice (hide true) or shows a hidden
// one again, and records it in the audit log with the reason. Anything
// else is ErrConflict.
func (db *DB) HidePractice(ctx context.Context, id, actor int64, hide bool, reason string, now time.Time) (Practice, error) {
	return db.changePracticeStatus(ctx, "hide practice", id, actor, now, func(cur Practice) (string, string, error) {
		switch {
		case hide && cur.Status == PracticePublished:
			return PracticeHidden, "practice.hide", nil
		case !hide && cur.Status == PracticeHidden:
			return PracticePublished, "practice.show", nil
		}
		return "", "", ErrConflict
	}, reason)
}

func (db *DB) changePracticeStatus(ctx context.Context, op string, id, actor int64, now time.Time,
	decide func(cur Practice) (status, action string, err error), detail ...string) (Practice, error) {
	err := db.practiceTx(ctx, op, func(tx *sql.Tx) error {
		cur, err := db.practice(ctx, tx, id)
		if err != nil {
			return err
		}
		status, action, err := decide(cur)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practices SET status = ?, updated_at = ? WHERE id = ?",
			status, formatTime(now), id); err != nil {
			return err
		}
		if status == PracticePublished {
			var terms string
			if err := tx.QueryRowContext(ctx, "SELECT terms FROM practices WHERE id = ?", id).Scan(&terms); err != nil {
				return err
			}
			err = indexPractice(ctx, tx, id, terms, cur.Areas)
		} else {
			err = unindexPractice(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		if action != "" {
			return auditPractice(ctx, tx, actor, action, id, strings.Join(detail, " "), now)
		}
		return nil
	})
	if err != nil {
		return Practice{}, err
	}
	return db.Practice(ctx, id)
}

// RecommendPractice marks a practice recommended for replication (on true)
// or takes the mark away, and records it in the audit log. Marking it again
// keeps the first date. Only a published practice can be marked.
func (db *DB) RecommendPractice(ctx context.Context, id, actor int64, on bool, now time.Time) (Practice, error) {
	err := db.practiceTx(ctx, "recommend practice", func(tx *sql.Tx) error {
		cur, err := db.practice(ctx, tx, id)
		if err != nil {
			return err
		}
		if on && cur.Status != PracticePublished {
			return ErrConflict
		}
		if cur.Recommended == on {
			return nil
		}
		at, action := "", "practice.unrecommend"
		if on {
			at, action = formatTime(now), "practice.recommend"
		}
		if _, err := tx.ExecContext(ctx, "UPDATE practices SET recommended = ?, recommended_at = ?, updated_at = ? WHERE id = ?",
			on, at, formatTime(now), id); err != nil {
			return err
		}
		return auditPractice(ctx, tx, actor, action, id, "", now)
	})
	if err != nil {
		return Practice{}, err
	}
	return db.Practice(ctx, id)
}

// PracticeTerm is one word of a search: it matches a practice that has
// any of Keys as the beginning of one of its terms, or any of Areas.
type PracticeTerm struct {
	Keys  []string // search keys; only letters and digits are kept
	Areas []string // area keys
}

// PracticeFilter selects published practices. Zero fields select all.
type PracticeFilter struct {
	Terms          []PracticeTerm // every term must match
	Area           string
	Country        string
	Region         string
	MinPopulation  int
	MaxPopulation  int // 0: no upper bound
	MunicipalityID int64
	Recommended    bool
}

// SearchPractices returns published practices that pass f, the newest and
// most asked-about first, from offset on, at most limit of them, and how
// many pass in all. A term that gives no usable key matches nothing.
func (db *DB) SearchPractices(ctx context.Context, f PracticeFilter, offset, limit int) ([]Practice, int, error) {
	from, cond, args, ok := practiceWhere(f)
	if !ok {
		return nil, 0, nil
	}
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count practices: %w", err)
	}
	if total == 0 || offset >= total {
		return nil, total, nil
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+practiceColumns+" FROM "+from+" WHERE "+cond+
		" ORDER BY p.rank DESC, p.id DESC LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search practices: %w", err)
	}
	list, err := scanPractices(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search practices: %w", err)
	}
	return list, total, nil
}

// PracticeRegions counts the published practices that pass f by region.
func (db *DB) PracticeRegions(ctx context.Context, f PracticeFilter) (map[string]int, error) {
	out := map[string]int{}
	from, cond, args, ok := practiceWhere(f)
	if !ok {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, "SELECT p.region_code, COUNT(*) FROM "+from+" WHERE "+cond+
		" AND p.region_code <> '' GROUP BY p.region_code", args...)
	if err != nil {
		return nil, fmt.Errorf("store: practice regions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("store: practice regions: %w", err)
		}
		out[code] = n
	}
	return out, rows.Err()
}

// practiceWhere returns the FROM and WHERE clauses of a filter and their
// arguments; ok is false when the filter can match nothing.
func practiceWhere(f PracticeFilter) (from, cond string, args []any, ok bool) {
	from = "practices p"
	where := []string{"p.status = 'published'"}
	if len(f.Terms) > 0 {
		match := practiceMatch(f.Terms)
		if match == "" {
			return "", "", nil, false
		}
		from = "practice_search s JOIN practices p ON p.id = s.rowid"
		where = append(where, "practice_search MATCH ?")
		args = append(args, match)
	}
	if f.Area != "" {
		where = append(where, "EXISTS (SELECT 1 FROM practice_areas a WHERE a.area = ? AND a.practice_id = p.id)")
		args = append(args, f.Area)
	}
	if f.Country != "" {
		where = append(where, "p.country = ?")
		args = append(args, f.Country)
	}
	if f.Region != "" {
		where = append(where, "p.region_code = ?")
		args = append(args, f.Region)
	}
	if f.MinPopulation > 0 {
		where = append(where, "p.population >= ?")
		args = append(args, f.MinPopulation)
	}
	if f.MaxPopulation > 0 {
		where = append(where, "p.population < ?")
		args = append(args, f.MaxPopulation)
	}
	if f.MunicipalityID != 0 {
		where = append(where, "p.municipality_id = ?")
		args = append(args, f.MunicipalityID)
	}
	if f.Recommended {
		where = append(where, "p.recommended = 1")
	}
	return from, strings.Join(where, " AND "), args, true
}

// practiceMatch builds the FTS5 query of the terms: each term a group of
// alternatives, the groups joined by AND. Keys are reduced to letters and
// digits and quoted, so no user input reaches the query syntax.
func practiceMatch(terms []PracticeTerm) string {
	var groups []string
	for _, t := range terms {
		var alts []string
		for _, k := range t.Keys {
			if k = ftsWord(k); k != "" {
				alts = append(alts, `terms : "`+k+`"*`)
			}
		}
		for _, a := range t.Areas {
			if a = ftsWord(a); a != "" {
				alts = append(alts, `areas : "`+a+`"`)
			}
		}
		if len(alts) == 0 {
			return "" // a term that can match nothing: the search matches nothing
		}
		groups = append(groups, "("+strings.Join(alts, " OR ")+")")
	}
	return strings.Join(groups, " AND ")
}

// ftsWord keeps the letters, digits and underscores of s: all that keys
// and area keys consist of, and nothing that FTS5 would read as syntax.
func ftsWord(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			return r
		}
		return -1
	}, s)
}

func scanPractices(rows *sql.Rows) ([]Practice, error) {
	defer rows.Close()
	var out []Practice
	for rows.Next() {
		p, err := scanPractice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// TopPractices returns, for each of the municipalities, up to per of its
// published practices in any of areas (any area when areas is empty), the
// newest and most asked-about first.
func (db *DB) TopPractices(ctx context.Context, municipalities []int64, areas []string, per int) (map[int64][]Practice, error) {
	out := map[int64][]Practice{}
	if len(municipalities) == 0 || per <= 0 {
		return out, nil
	}
	args := make([]any, 0, len(municipalities)+len(areas)+1)
	for _, m := range municipalities {
		args = append(args, m)
	}
	cond := "p.status = 'published' AND p.municipality_id IN (?" + strings.Repeat(", ?", len(municipalities)-1) + ")"
	if len(areas) > 0 {
		cond += " AND EXISTS (SELECT 1 FROM practice_areas a WHERE a.practice_id = p.id AND a.area IN (?" +
			strings.Repeat(", ?", len(areas)-1) + "))"
		for _, a := range areas {
			args = append(args, a)
		}
	}
	args = append(args, per)
	rows, err := db.read.QueryContext(ctx, "SELECT "+strings.ReplaceAll(practiceColumns, "p.", "")+` FROM (
		SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.municipality_id ORDER BY p.rank DESC, p.id DESC) AS n
		FROM practices p WHERE `+cond+`) WHERE n <= ? ORDER BY municipality_id, rank DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: top practices: %w", err)
	}
	list, err := scanPractices(rows)
	if err != nil {
		return nil, fmt.Errorf("store: top practices: %w", err)
	}
	for _, p := range list {
		out[p.MunicipalityID] = append(out[p.MunicipalityID], p)
	}
	return out, nil
}

// RecommendedPractices returns the published practices recommended in
// [from, to), in the order they were recommended.
func (db *DB) RecommendedPractices(ctx context.Context, from, to time.Time) ([]Practice, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+practiceColumns+` FROM practices p
		WHERE p.recommended = 1 AND p.status = 'published' AND p.recommended_at >= ? AND p.recommended_at < ?
		ORDER BY p.recommended_at, p.id`, formatTime(from), formatTime(to))
	if err != nil {
		return nil, fmt.Errorf("store: recommended practices: %w", err)
	}
	list, err := scanPractices(rows)
	if err != nil {
		return nil, fmt.Errorf("store: recommended practices: %w", err)
	}
	return list, nil
}

// PracticeAsk is a member's request to talk about a practice with its
// municipality.
type PracticeAsk struct {
	ID                int64
	PracticeID        int64
	AskerID           int64
	AskerMunicipality int64
	Status            string // pending, accepted, declined
	AnsweredBy        int64
	CreatedAt         time.Time
}

const practiceAskColumns = "id, practice_id, asker_id, asker_municipality, status, answered_by, created_at"

func scanPracticeAsk(row scanner) (PracticeAsk, error) {
	var a PracticeAsk
	var created string
	if err := row.Scan(&a.ID, &a.PracticeID, &a.AskerID, &a.AskerMunicipality, &a.Status, &a.AnsweredBy, &created); err != nil {
		return PracticeAsk{}, err
	}
	var err error
	a.CreatedAt, err = parseTime(created)
	return a, err
}

// AskAboutPractice records that a member asks about a published practice
// and counts the ask for the practice's rank. A member asks about a
// practice once: a second ask is ErrConflict; a practice that is not
// published (or does not exist) is ErrNotFound.
func (db *DB) AskAboutPractice(ctx context.Context, practiceID, askerID, askerMunicipality int64, now time.Time) (PracticeAsk, error) {
	var a PracticeAsk
	err := db.practiceTx(ctx, "ask about practice", func(tx *sql.Tx) error {
		cur, err := db.practice(ctx, tx, practiceID)
		if err != nil {
			return err
		}
		if cur.Status != PracticePublished {
			return ErrNotFound
		}
		a, err = scanPracticeAsk(tx.QueryRowContext(ctx, `INSERT INTO practice_asks (practice_id, asker_id, asker_municipality, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (practice_id, asker_id) DO NOTHING RETURNING `+practiceAskColumns,
			practiceID, askerID, askerMunicipality, formatTime(now)))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE practices SET asks = asks + 1, rank = ? WHERE id = ?",
			practiceRank(cur.CreatedAt, cur.Asks+1), practiceID)
		return err
	})
	return a, err
}

// PracticeAsk returns an ask, or ErrNotFound.
func (db *DB) PracticeAsk(ctx context.Context, id int64) (PracticeAsk, error) {
	a, err := scanPracticeAsk(db.read.QueryRowContext(ctx, "SELECT "+practiceAskColumns+" FROM practice_asks WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return PracticeAsk{}, fmt.Errorf("store: practice ask %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return PracticeAsk{}, fmt.Errorf("store: practice ask %d: %w", id, err)
	}
	return a, nil
}

// AnswerPracticeAsk accepts or declines a pending ask. The first answer
// stands: answering again is ErrConflict.
func (db *DB) AnswerPracticeAsk(ctx context.Context, id, by int64, accept bool, now time.Time) (PracticeAsk, error) {
	status := "declined"
	if accept {
		status = "accepted"
	}
	a, err := scanPracticeAsk(db.write.QueryRowContext(ctx, `UPDATE practice_asks SET status = ?, answered_by = ?, answered_at = ?
		WHERE id = ? AND status = 'pending' RETURNING `+practiceAskColumns, status, by, formatTime(now), id))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := db.PracticeAsk(ctx, id); err != nil {
			return PracticeAsk{}, err
		}
		return PracticeAsk{}, fmt.Errorf("store: answer practice ask %d: %w", id, ErrConflict)
	}
	if err != nil {
		return PracticeAsk{}, fmt.Errorf("store: answer practice ask %d: %w", id, err)
	}
	return a, nil
}

// SetPracticeDigest turns the monthly digest of recommended practices on
// or off for a member; it is on unless turned off.
func (db *DB) SetPracticeDigest(ctx context.Context, memberID int64, on bool, now time.Time) error {
	var err error
	if on {
		_, err = db.write.ExecContext(ctx, "DELETE FROM practice_digest_optout WHERE member_id = ?", memberID)
	} else {
		_, err = db.write.ExecContext(ctx, "INSERT INTO practice_digest_optout (member_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING",
			memberID, formatTime(now))
	}
	if err != nil {
		return fmt.Errorf("store: set practice digest for %d: %w", memberID, err)
	}
	return nil
}

// PracticeDigestRecipients returns the verified, reachable members who did
// not turn the practice digest off.
func (db *DB) PracticeDigestRecipients(ctx context.Context) ([]Member, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+memberColumns+` FROM members
		WHERE role <> 'newcomer' AND reachable = 1
		AND user_id NOT IN (SELECT member_id FROM practice_digest_optout) ORDER BY user_id`)
	if err != nil {
		return nil, fmt.Errorf("store: practice digest recipients: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("store: practice digest recipients: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// practiceQueriesKept is how long the text behind a list's buttons is kept.
const practiceQueriesKept = 90 * 24 * time.Hour

// PracticeQueryID returns the id of a search text, storing it on first use.
// Texts unused for longer than practiceQueriesKept are dropped then.
func (db *DB) PracticeQueryID(ctx context.Context, text string, now time.Time) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, "SELECT id FROM practice_queries WHERE text = ?", text).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: practice query: %w", err)
	}
	err = db.practiceTx(ctx, "practice query", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM practice_queries WHERE used_at < ?", formatTime(now.Add(-practiceQueriesKept))); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO practice_queries (text, used_at) VALUES (?, ?)
			ON CONFLICT (text) DO UPDATE SET used_at = excluded.used_at RETURNING id`, text, formatTime(now)).Scan(&id)
	})
	return id, err
}

// PracticeQueryText returns the search text with the given id, or
// ErrNotFound when it was dropped.
func (db *DB) PracticeQueryText(ctx context.Context, id int64) (string, error) {
	var text string
	err := db.read.QueryRowContext(ctx, "SELECT text FROM practice_queries WHERE id = ?", id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: practice query %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: practice query %d: %w", id, err)
	}
	return text, nil
}
