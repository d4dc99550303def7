// Package store keeps Pobratim's records in SQLite: members now, and the
// directory additions, agreements, meetings and outbox of later features.
//
// One writer connection serialises every write (SQLite allows one writer at a
// time anyway, and a single connection avoids SQLITE_BUSY between our own
// goroutines); a separate pool serves reads concurrently thanks to WAL.
// The package imports no other Pobratim package.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a change conflicts with existing records.
var ErrConflict = errors.New("store: conflict")

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open Pobratim database.
type DB struct {
	write *pool
	read  *pool
	path  string
}

// Open opens (creating if needed) the SQLite database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	db := &DB{write: newPool(w, 1), read: newPool(r, 4), path: path}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes both connection pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// RevisionPartnerFacts names the revision of what partner ranking caches:
// declared areas, agreement ties and member counts.
const RevisionPartnerFacts = "partner_facts"

// Revision returns a number that grows whenever a row that the named
// derived data depends on changes, in this process or in another one (an
// import run from the command line). Triggers keep it
// (migrations/008_revisions.sql); callers cache what is expensive to derive
// and derive it again when the number moves.
func (db *DB) Revision(ctx context.Context, name string) (int64, error) {
	var n int64
	if err := db.read.QueryRowContext(ctx, "SELECT n FROM revisions WHERE name = ?", name).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: revision of %s: %w", name, err)
	}
	return n, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the database to dest with VACUUM INTO,
// while the bot keeps running. dest must not exist.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := db.read.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("store: backup to %s: %w", dest, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless the
// database is intact.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: integrity check: %s", res)
	}
	return nil
}

// migrate applies the embedded migrations newer than PRAGMA user_version,
// each in its own transaction together with the version bump.
func (db *DB) migrate(ctx context.Context) error {
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		return fmt.Errorf("store: read migrations: %w", err)
	}
	type step struct {
		version int
		name    string
	}
	var steps []step
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("store: migration %q: name must start with a number and _", e.Name())
		}
		steps = append(steps, step{v, e.Name()})
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].version < steps[j].version })

	var current int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	for _, s := range steps {
		if s.version <= current {
			continue
		}
		body, err := migrations.ReadFile(path.Join("migrations", s.name))
		if err != nil {
			return fmt.Errorf("store: read migration %s: %w", s.name, err)
		}
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", s.name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", s.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", s.version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: set version: %w", s.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: commit: %w", s.name, err)
		}
	}
	return nil
}

// SchemaVersion returns the applied schema version.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := db.read.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}

// timeFormat is how instants are stored: UTC, fixed width, so that text
// order is time order.
const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: bad time %q: %w", s, err)
	}
	return t, nil
}
