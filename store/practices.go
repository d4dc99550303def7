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
	// caller computes them. Only PracticeChanges reads them back.
	Terms     string
	Rank      float64 // the search order: higher first
	Seq       int64   // the number of its last change
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
	p.recommended, p.recommended_at, p.asks, p.rank, p.seq, p.created_at, p.updated_at`

func scanPractice(row scanner, extra ...any) (Practice, error) {
	var p Practice
	var areas, recAt, created, updated string
	dest := []any{&p.ID, &p.MunicipalityID, &p.Country, &p.RegionCode, &p.Population, &p.AuthorID, &p.Lang, &p.Title,
		&areas, &p.Problem, &p.Actions, &p.Result, &p.Period, &p.FileKind, &p.FileID, &p.FileName, &p.ContactOK, &p.Status,
		&p.Recommended, &recAt, &p.Asks, &p.Rank, &p.Seq, &created, &updated}
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
func (db *DB) practiceTx(ctx context.Context, op string, fn func(tx *txn) error) error {
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

// nextPracticeSeq takes the next change number, inside the transaction of
// the change.
func nextPracticeSeq(ctx context.Context, tx *txn) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, "UPDATE practice_seq SET n = n + 1 WHERE id = 1 RETURNING n").Scan(&n)
	return n, err
}

// touchPractice gives a changed practice the next change number.
func touchPractice(ctx context.Context, tx *txn, id int64) error {
	seq, err := nextPracticeSeq(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE practices SET seq = ? WHERE id = ?", seq, id)
	return err
}

// CreatePractice stores and publishes a practice. Status, asks,
// recommendation and times are set here; the rest comes from p.
func (db *DB) CreatePractice(ctx context.Context, p Practice, now time.Time) (Practice, error) {
	if strings.TrimSpace(p.Title) == "" || p.MunicipalityID == 0 {
		return Practice{}, fmt.Errorf("store: create practice: %w: title and municipality are required", ErrConflict)
	}
	ts := formatTime(now)
	err := db.practiceTx(ctx, "create practice", func(tx *txn) error {
		seq, err := nextPracticeSeq(ctx, tx)
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO practices (municipality_id, country, region_code, population, author_id,
			lang, title, areas, problem, actions, result, period, file_kind, file_id, file_name, contact_ok, rank, terms,
			seq, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.MunicipalityID, p.Country, p.RegionCode, p.Population, p.AuthorID, p.Lang, p.Title, strings.Join(p.Areas, ","),
			p.Problem, p.Actions, p.Result, p.Period, p.FileKind, p.FileID, p.FileName, p.ContactOK,
			practiceRank(now, 0), p.Terms, seq, ts, ts).Scan(&p.ID)
	})
	if err != nil {
		return Practice{}, err
	}
	return db.Practice(ctx, p.ID)
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
	err := db.practiceTx(ctx, "update practice", func(tx *txn) error {
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
		if err := touchPractice(ctx, tx, p.ID); err != nil {
			return err
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

func auditPractice(ctx context.Context, tx *txn, actor int64, action string, id int64, detail string, now time.Time) error {
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
	err := db.practiceTx(ctx, op, func(tx *txn) error {
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
		if err := touchPractice(ctx, tx, id); err != nil {
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
// keeps the first date. Only a published practice can be marked. jobs (the
// digest that will list it) are written in the same transaction when the
// mark changes.
func (db *DB) RecommendPractice(ctx context.Context, id, actor int64, on bool, now time.Time, jobs ...Job) (Practice, error) {
	err := db.practiceTx(ctx, "recommend practice", func(tx *txn) error {
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
		if err := touchPractice(ctx, tx, id); err != nil {
			return err
		}
		if _, err := insertJobs(ctx, tx, jobs, now); err != nil {
			return err
		}
		return auditPractice(ctx, tx, actor, action, id, "", now)
	})
	if err != nil {
		return Practice{}, err
	}
	return db.Practice(ctx, id)
}

// PracticeSeq returns the number of the last change of any practice.
func (db *DB) PracticeSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := db.read.QueryRowContext(ctx, "SELECT n FROM practice_seq WHERE id = 1").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: practice seq: %w", err)
	}
	return n, nil
}

// PracticeEntry is what a search index needs of a practice.
type PracticeEntry struct {
	ID             int64
	MunicipalityID int64
	Country        string
	RegionCode     string
	Population     int
	Areas          []string
	Recommended    bool
	Status         string
	Rank           float64
	Terms          string
	Seq            int64
}

// PracticeChanges returns the practices changed after change number
// after, whatever their status, in the order of their changes.
func (db *DB) PracticeChanges(ctx context.Context, after int64) ([]PracticeEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, municipality_id, country, region_code, population, areas, recommended,
		status, rank, terms, seq FROM practices WHERE seq > ? ORDER BY seq`, after)
	if err != nil {
		return nil, fmt.Errorf("store: practice changes: %w", err)
	}
	defer rows.Close()
	var out []PracticeEntry
	for rows.Next() {
		var e PracticeEntry
		var areas string
		if err := rows.Scan(&e.ID, &e.MunicipalityID, &e.Country, &e.RegionCode, &e.Population, &areas, &e.Recommended,
			&e.Status, &e.Rank, &e.Terms, &e.Seq); err != nil {
			return nil, fmt.Errorf("store: practice changes: %w", err)
		}
		if areas != "" {
			e.Areas = strings.Split(areas, ",")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PracticesByID returns the practices with the given ids, in that order;
// ids with no practice are left out.
func (db *DB) PracticesByID(ctx context.Context, ids []int64) ([]Practice, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+practiceColumns+" FROM practices p WHERE p.id IN (?"+
		strings.Repeat(", ?", len(ids)-1)+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: practices by id: %w", err)
	}
	list, err := scanPractices(rows)
	if err != nil {
		return nil, fmt.Errorf("store: practices by id: %w", err)
	}
	byID := make(map[int64]Practice, len(list))
	for _, p := range list {
		byID[p.ID] = p
	}
	out := make([]Practice, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
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
		var anyArea []string
		for _, a := range areas {
			anyArea = append(anyArea, "(',' || p.areas || ',') LIKE ?")
			args = append(args, "%,"+a+",%")
		}
		cond += " AND (" + strings.Join(anyArea, " OR ") + ")"
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
	err := db.practiceTx(ctx, "ask about practice", func(tx *txn) error {
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
		if _, err := tx.ExecContext(ctx, "UPDATE practices SET asks = asks + 1, rank = ? WHERE id = ?",
			practiceRank(cur.CreatedAt, cur.Asks+1), practiceID); err != nil {
			return err
		}
		return touchPractice(ctx, tx, practiceID)
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
	err = db.practiceTx(ctx, "practice query", func(tx *txn) error {
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
