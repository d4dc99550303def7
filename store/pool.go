package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxCachedStatements bounds the statement cache. Pobratim's queries are a
// fixed set of texts, a few hundred at most; anything beyond is run
// unprepared rather than kept forever.
const maxCachedStatements = 512

// pool is a connection pool that keeps every query it runs prepared:
// database/sql prepares and finalises a statement on each call otherwise,
// and with modernc.org/sqlite that costs as much as a simple lookup itself.
// A prepared sql.Stmt is prepared again on each connection that runs it,
// once, so connections are kept open rather than recycled.
type pool struct {
	*sql.DB

	mu     sync.RWMutex
	stmts  map[string]*sql.Stmt
	wanted map[string]struct{} // run unprepared in a transaction, to prepare
}

func newPool(db *sql.DB, conns int) *pool {
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	return &pool{DB: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]struct{}{}}
}

// stmt returns the prepared statement for query, preparing it when it is
// new, or nil when it is not to be cached: a script of several statements,
// a full cache, or a statement that does not prepare (the caller runs it
// unprepared and reports the error SQLite gives). It must not be called
// while the caller holds a connection of the pool: preparing may need one.
func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	if s, ok := p.cached(query); ok || !cacheable(query) {
		return s
	}
	s, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.stmts[query]; ok {
		s.Close() // prepared meanwhile by another goroutine
		return old
	}
	if len(p.stmts) >= maxCachedStatements {
		s.Close()
		return nil
	}
	p.stmts[query] = s
	delete(p.wanted, query)
	return s
}

// cached returns the prepared statement for query if there is one.
func (p *pool) cached(query string) (*sql.Stmt, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	s, ok := p.stmts[query]
	return s, ok
}

// want notes a query that ran unprepared inside a transaction, to be
// prepared once the transaction has given its connection back.
func (p *pool) want(query string) {
	if !cacheable(query) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.wanted) < maxCachedStatements {
		p.wanted[query] = struct{}{}
	}
}

// prepareWanted prepares the queries that transactions ran unprepared.
func (p *pool) prepareWanted() {
	p.mu.Lock()
	queries := make([]string, 0, len(p.wanted))
	for q := range p.wanted {
		queries = append(queries, q)
	}
	clear(p.wanted)
	p.mu.Unlock()
	for _, q := range queries {
		p.stmt(context.Background(), q)
	}
}

// cacheable reports whether query is a single statement.
func cacheable(query string) bool {
	return !strings.Contains(strings.TrimRight(query, "; \t\n"), ";")
}

// QueryContext runs a query that returns rows, prepared.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row, prepared.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement that returns no rows, prepared.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

// Close closes the cached statements and then the pool.
func (p *pool) Close() error {
	p.mu.Lock()
	for q, s := range p.stmts {
		s.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}

// txn is a transaction on a pool whose statements run prepared when the
// pool has prepared them already. A statement the pool has not seen runs
// unprepared (preparing it on the pool could wait for the very connection
// the transaction holds) and is prepared after the commit or rollback.
type txn struct {
	*sql.Tx
	p *pool
}

// BeginTx starts a transaction whose statements run prepared.
func (p *pool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, p: p}, nil
}

// Commit commits the transaction.
func (t *txn) Commit() error {
	err := t.Tx.Commit()
	t.p.prepareWanted()
	return err
}

// Rollback aborts the transaction.
func (t *txn) Rollback() error {
	err := t.Tx.Rollback()
	t.p.prepareWanted()
	return err
}

// prepared returns the transaction's form of the pool's prepared statement
// for query, or nil.
func (t *txn) prepared(ctx context.Context, query string) *sql.Stmt {
	if s, ok := t.p.cached(query); ok && s != nil {
		return t.Tx.StmtContext(ctx, s)
	}
	t.p.want(query)
	return nil
}

// QueryContext runs a query that returns rows.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.prepared(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.prepared(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement that returns no rows.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.prepared(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}
