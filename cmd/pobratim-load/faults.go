package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

// verdict is the outcome of a fault scenario.
type verdict struct {
	Name    string  `json:"name"`
	Pass    bool    `json:"pass"`
	Details string  `json:"details"`
	Result  *result `json:"result,omitempty"`
}

// event is something a fault scenario does at a moment of the mix.
type event struct {
	at   time.Duration
	name string
	do   func() error
}

// fault runs one fault scenario on the bot.
func (h *harness) fault(ctx context.Context, rg *rig, name string) (verdict, error) {
	switch name {
	case "redeliver":
		return h.redeliver(ctx, rg)
	case "redis":
		return h.redisOutage(ctx, rg)
	case "kill":
		return h.kill(ctx, rg)
	case "api":
		return h.apiOutage(ctx, rg)
	case "busy":
		return h.busy(ctx, rg)
	}
	return verdict{}, fmt.Errorf("unknown fault %q", name)
}

// timed runs the mix at the fault rate for total, doing the events on
// time, and returns the result and when each event began and ended
// (name, name+".done").
func (h *harness) timed(ctx context.Context, rg *rig, name string, total time.Duration, events []event) (result, map[string]time.Time, error) {
	marks := map[string]time.Time{}
	var evErr error
	n := int(h.cfg.FaultRate * total.Seconds())
	res := h.phase(ctx, rg, name, h.people, 40*time.Second, func(d *driver) {
		start := time.Now()
		done := make(chan struct{})
		go func() {
			defer close(done)
			d.open(ctx, h.cfg.FaultRate, n, start.Add(total+time.Second), nil)
		}()
		for _, ev := range events {
			sleep(ctx, time.Until(start.Add(ev.at)))
			marks[ev.name] = time.Now()
			if err := ev.do(); err != nil && evErr == nil {
				evErr = fmt.Errorf("%s: %s: %w", name, ev.name, err)
			}
			marks[ev.name+".done"] = time.Now()
			h.dumpGoroutines(name + "-" + ev.name)
		}
		<-done
	})
	res.Offered = h.cfg.FaultRate
	return res, marks, evErr
}

// at is when a record was handed to the bot, or sent when it never was.
func at(rec *record) time.Time {
	if rec.handed.IsZero() {
		return rec.injected
	}
	return rec.handed
}

func within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

// redeliver sends a short mix, then has the server deliver some of its
// updates again, as Telegram does when a bot's offset did not reach it:
// the bot must skip them.
func (h *harness) redeliver(ctx context.Context, rg *rig) (verdict, error) {
	n := min(h.cfg.Steady, 300)
	h.progress("%s: redelivered updates (%d updates, then some of them again)", rg.name, n)
	res := h.phase(ctx, rg, "redeliver", h.people, h.cfg.Timeout, func(d *driver) {
		d.open(ctx, min(h.cfg.Rate, 100), n, time.Now().Add(time.Minute), nil)
	})
	picks := rg.tr.latestAnswered(50)
	replies := make([]int, len(picks))
	handouts := make([]int, len(picks))
	rg.tr.inspect(func([]*record, int) {
		for i, rec := range picks {
			replies[i], handouts[i] = len(rec.replies), rec.handouts
		}
	})
	for _, rec := range picks {
		rg.srv.InjectUpdate(again(rec))
	}
	sleep(ctx, 3*time.Second)
	var delivered, answered int
	rg.tr.inspect(func([]*record, int) {
		for i, rec := range picks {
			if rec.handouts > handouts[i] {
				delivered++
			}
			if len(rec.replies) > replies[i] || rec.answers > 1 {
				answered++
			}
		}
	})
	v := verdict{Name: "redelivery", Result: &res,
		Pass: len(picks) > 0 && delivered == len(picks) && answered == 0 && res.Lost == 0 && res.Duplicates == 0,
		Details: fmt.Sprintf("%d answered updates delivered again (%d seen by the bot): %d answered again; mix before: %d of %d answered",
			len(picks), delivered, answered, res.Answered, res.Updates)}
	return v, nil
}

// again rebuilds the update of a record with its original update_id.
func again(rec *record) models.Update {
	u := rec.member.TelegramUser()
	if rec.act.data != "" {
		return models.Update{ID: rec.id, CallbackQuery: &models.CallbackQuery{ID: rec.queryID, From: u, Data: rec.act.data,
			Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
				InaccessibleMessage: &models.InaccessibleMessage{Chat: rec.member.PrivateChat(), MessageID: rec.act.messageID}}}}
	}
	return models.Update{ID: rec.id, Message: &models.Message{ID: 1, From: &u, Chat: rec.member.PrivateChat(),
		Date: int(time.Now().Unix()), Text: rec.act.text, Entities: telegramtest.CommandEntities(rec.act.text)}}
}

// redisOutage stops Redis for 20 s in the middle of the mix.
func (h *harness) redisOutage(ctx context.Context, rg *rig) (verdict, error) {
	if h.redis == nil {
		return verdict{Name: "redis-outage", Details: "skipped: no Redis of the harness's own (-redis none)"}, nil
	}
	h.progress("%s: Redis stopped for 20 s in the mix", rg.name)
	since := time.Now().UTC()
	gen := rg.gen
	res, marks, err := h.timed(ctx, rg, "redis-outage", 45*time.Second, []event{
		{at: 5 * time.Second, name: "down", do: func() error { return h.redis.stop(ctx) }},
		{at: 25 * time.Second, name: "up", do: func() error { return h.redis.start(ctx) }},
	})
	if err != nil {
		return verdict{}, err
	}
	down, up := marks["down.done"], marks["up.done"]
	var stateless, statelessOK, dialogs, told, after, afterOK, created int
	var lastUnavailable time.Time
	var fresh []int64
	rg.tr.inspect(func(recs []*record, _ int) {
		for _, rec := range recs {
			answered := !rec.first.IsZero()
			if rec.kind == "meetings.created" {
				created++
			}
			if answered && rec.member.ID >= newcomerBase {
				fresh = append(fresh, rec.member.ID)
			}
			t := at(rec)
			switch {
			case within(t, down, up):
				if rec.act.stateless {
					stateless++
					if answered && !isError(rec.kind) {
						statelessOK++
					}
				}
				if rec.act.dialog {
					dialogs++
					if rec.kind == "error.state_unavailable" {
						told++
					}
				}
			case !t.Before(up):
				if rec.kind == "error.state_unavailable" && t.After(lastUnavailable) {
					lastUnavailable = t
				}
				if rec.act.dialog && t.After(up.Add(5*time.Second)) {
					after++
					if answered && !isError(rec.kind) {
						afterOK++
					}
				}
			}
		}
	})
	var back time.Duration
	if !lastUnavailable.IsZero() {
		back = lastUnavailable.Sub(up)
	}
	dbErr := h.checkDB(ctx, fresh, created, since)
	alive := rg.proc.alive() && rg.gen == gen
	v := verdict{Name: "redis-outage", Result: &res,
		Pass: alive && stateless > 0 && statelessOK == stateless && dialogs > 0 && told == dialogs &&
			back <= 5*time.Second && after > 0 && afterOK == after && dbErr == nil}
	v.Details = fmt.Sprintf("Redis down %.1f s: bot alive %v; commands without dialog answered normally %d/%d; "+
		"dialog answers told state is unavailable %d/%d; last such notice %.1f s after Redis returned; "+
		"dialog answers from 5 s after its return handled normally %d/%d; %d meetings saved, %d newcomers: %s",
		up.Sub(down).Seconds(), alive, statelessOK, stateless, told, dialogs, back.Seconds(), afterOK, after,
		created, len(unique(fresh)), dbVerdict(dbErr))
	return v, nil
}

// kill ends the bot with SIGKILL in the middle of the mix and starts it
// again.
func (h *harness) kill(ctx context.Context, rg *rig) (verdict, error) {
	h.progress("%s: SIGKILL in the mix, then a restart", rg.name)
	var restart time.Duration
	res, _, err := h.timed(ctx, rg, "kill", 20*time.Second, []event{
		{at: 5 * time.Second, name: "kill", do: func() error {
			rg.proc.kill()
			// Calls the dead process had already made are finished by the
			// proxy; the new process's reactions count apart from them.
			time.Sleep(300 * time.Millisecond)
			var err error
			restart, err = rg.start(ctx)
			return err
		}},
	})
	if err != nil {
		return verdict{}, err
	}
	// The CPU and memory of two processes do not add up to a figure.
	res.CPU, res.CPUPerK, res.PeakRSS = 0, 0, 0
	var again, crossed int
	rg.tr.inspect(func(recs []*record, _ int) {
		for _, rec := range recs {
			if rec.handouts > 1 {
				again++
			}
			if rec.duplicated() {
				crossed++
			}
		}
	})
	dbErr := h.integrity(ctx)
	v := verdict{Name: "sigkill", Result: &res, Pass: crossed == 0 && dbErr == nil && rg.proc.alive() && res.Answered > 0}
	v.Details = fmt.Sprintf("SIGKILL at 5 s, polling again %.2f s later; %d updates handed out again after the restart; "+
		"%d answered twice; %d got no answer (taken by the killed process: handling is at most once); %s",
		restart.Seconds()+0.3, again, crossed, res.Lost, dbVerdict(dbErr))
	return v, nil
}

// apiOutage makes the Bot API answer 502 for 10 s, then hang for 10 s.
func (h *harness) apiOutage(ctx context.Context, rg *rig) (verdict, error) {
	h.progress("%s: Bot API answering 502 for 10 s, then hanging for 10 s", rg.name)
	const outage = 10 * time.Second
	var cpu [4]time.Duration
	var polls [4]int64
	sample := func(i int) {
		cpu[i] = rg.usage().CPU
		polls[i] = rg.proxy.polls.Load()
	}
	res, marks, err := h.timed(ctx, rg, "api-outage", 45*time.Second, []event{
		{at: 5 * time.Second, name: "502", do: func() error {
			sample(0)
			rg.srv.SetOutage(outage, telegramtest.OutageBadGateway)
			return nil
		}},
		{at: 15 * time.Second, name: "502.end", do: func() error { sample(1); return nil }},
		{at: 22 * time.Second, name: "hang", do: func() error {
			sample(2)
			rg.srv.SetOutage(outage, telegramtest.OutageHang)
			return nil
		}},
		{at: 32 * time.Second, name: "hang.end", do: func() error { sample(3); return nil }},
	})
	if err != nil {
		return verdict{}, err
	}
	ends := []time.Time{marks["502.done"].Add(outage), marks["hang.done"].Add(outage)}
	recovery := []time.Duration{-1, -1}
	rg.tr.inspect(func(recs []*record, _ int) {
		for _, rec := range recs {
			for i, end := range ends {
				if rec.first.After(end) && (recovery[i] < 0 || rec.first.Sub(end) < recovery[i]) {
					recovery[i] = rec.first.Sub(end)
				}
			}
		}
	})
	share := func(a, b time.Duration) float64 { return (b - a).Seconds() / outage.Seconds() * 100 }
	cpu502, cpuHang := share(cpu[0], cpu[1]), share(cpu[2], cpu[3])
	ok := func(d time.Duration) bool { return d >= 0 && d <= 6*time.Second }
	v := verdict{Name: "api-outage", Result: &res,
		Pass: rg.proc.alive() && cpu502 <= 5 && cpuHang <= 5 && ok(recovery[0]) && ok(recovery[1])}
	v.Details = fmt.Sprintf("502 for 10 s: %d getUpdates calls, CPU %.1f%% of a core, first answer %.2f s after; "+
		"hanging for 10 s: %d getUpdates calls, CPU %.1f%%, first answer %.2f s after; "+
		"%d of %d updates unanswered (replies refused by the 502s)",
		polls[1]-polls[0], cpu502, recovery[0].Seconds(), polls[3]-polls[2], cpuHang, recovery[1].Seconds(),
		res.Lost, res.Updates)
	return v, nil
}

// busy locks the database from outside while the mix runs: a writer
// holding the lock for 3 s (within the bot's 5 s busy timeout), a real
// backup (VACUUM INTO) and, for information, a writer holding it for 7 s.
func (h *harness) busy(ctx context.Context, rg *rig) (verdict, error) {
	h.progress("%s: database locked for 3 s, backed up, locked for 7 s", rg.name)
	var backupTook time.Duration
	res, marks, err := h.timed(ctx, rg, "sqlite-busy", 34*time.Second, []event{
		{at: 5 * time.Second, name: "lock", do: func() error { return h.holdWriteLock(ctx, 3*time.Second) }},
		{at: 12 * time.Second, name: "backup", do: func() error {
			began := time.Now()
			err := h.backup(ctx)
			backupTook = time.Since(began)
			return err
		}},
		{at: 22 * time.Second, name: "long", do: func() error { return h.holdWriteLock(ctx, 7*time.Second) }},
	})
	if err != nil {
		return verdict{}, err
	}
	type window struct {
		updates, errs, lost int
		worst               time.Duration
	}
	var w [3]window
	spans := [3][2]time.Time{
		{marks["lock"], marks["lock.done"].Add(500 * time.Millisecond)},
		{marks["backup"], marks["backup.done"].Add(500 * time.Millisecond)},
		{marks["long"], marks["long.done"].Add(500 * time.Millisecond)},
	}
	rg.tr.inspect(func(recs []*record, _ int) {
		for _, rec := range recs {
			for i, s := range spans {
				if !within(at(rec), s[0], s[1]) {
					continue
				}
				w[i].updates++
				switch {
				case rec.first.IsZero():
					w[i].lost++
				case isError(rec.kind):
					w[i].errs++
				default:
					w[i].worst = max(w[i].worst, rec.latency())
				}
			}
		}
	})
	v := verdict{Name: "sqlite-busy", Result: &res, Pass: rg.proc.alive() && w[0].updates > 0 && w[0].errs == 0 && w[0].lost == 0 &&
		w[1].errs == 0 && w[1].lost == 0}
	v.Details = fmt.Sprintf("write lock held 3 s: %d updates, %d errors, %d unanswered, slowest %.2f s; "+
		"backup (VACUUM INTO) %.2f s: %d updates, %d errors; beyond the busy timeout (7 s lock, not judged): %d updates, %d errors, slowest %.2f s",
		w[0].updates, w[0].errs, w[0].lost, w[0].worst.Seconds(), backupTook.Seconds(), w[1].updates, w[1].errs+w[1].lost,
		w[2].updates, w[2].errs, w[2].worst.Seconds())
	return v, nil
}

// holdWriteLock takes SQLite's write lock on the bot's database from
// another process's point of view, writes, and holds it for d.
func (h *harness) holdWriteLock(ctx context.Context, d time.Duration) error {
	db, err := sql.Open("sqlite", h.dsn("&_txlock=immediate"))
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("lock: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE members SET updated_at = updated_at WHERE user_id = ?", memberBase); err != nil {
		return fmt.Errorf("lock: write: %w", err)
	}
	sleep(ctx, d)
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("lock: commit: %w", err)
	}
	return nil
}

// backup runs `pobratim backup` on the live database.
func (h *harness) backup(ctx context.Context) error {
	dest := filepath.Join(h.dir, fmt.Sprintf("backup-%d.db", time.Now().UnixNano()))
	p, err := start("pobratim-backup", h.botBin, []string{"backup", dest}, []string{"POBRATIM_DB=" + h.db},
		filepath.Join(h.dir, "backup.log"))
	if err != nil {
		return err
	}
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("pobratim backup: %w; see %s", p.err, filepath.Join(h.dir, "backup.log"))
		}
		return nil
	case <-ctx.Done():
		p.kill()
		return ctx.Err()
	}
}

// dsn is the bot's database for the harness's own connections.
func (h *harness) dsn(extra string) string {
	return "file:" + (&url.URL{Path: h.db}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" + extra
}

// checkDB verifies that what the bot confirmed during a fault is in the
// database: the meetings it said it saved, the newcomers it answered; and
// that the database is intact.
func (h *harness) checkDB(ctx context.Context, newcomers []int64, created int, since time.Time) error {
	if err := h.integrity(ctx); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", h.dsn(""))
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	defer db.Close()
	var meetings int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM meetings WHERE created_at >= ? AND author_id >= ?",
		since.Format("2006-01-02T15:04:05.000Z"), memberBase).Scan(&meetings); err != nil {
		return fmt.Errorf("check: meetings: %w", err)
	}
	if meetings < created {
		return fmt.Errorf("%d meetings confirmed, %d in the database", created, meetings)
	}
	var missing []string
	for _, id := range unique(newcomers) {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM members WHERE user_id = ?", id).Scan(&n); err != nil {
			return fmt.Errorf("check: member %d: %w", id, err)
		}
		if n == 0 {
			missing = append(missing, fmt.Sprint(id))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("answered newcomers missing from members: %s", strings.Join(missing, ", "))
	}
	return nil
}

func dbVerdict(err error) string {
	if err != nil {
		return "database: " + err.Error()
	}
	return "all in the database, integrity_check ok"
}

func unique(ids []int64) []int64 {
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

// limits runs a short mix against a server that enforces Telegram's flood
// limits, with the bot at its default pacing.
func (h *harness) limits(ctx context.Context) (verdict, error) {
	env, err := h.botEnv()
	if err != nil {
		return verdict{}, err
	}
	kept := env[:0]
	for _, e := range env {
		if !strings.HasPrefix(e, "POBRATIM_BROADCAST_RATE=") && !strings.HasPrefix(e, "POBRATIM_PAID_BROADCAST=") {
			kept = append(kept, e)
		}
	}
	if h.redis != nil {
		if err := h.redis.flush(ctx); err != nil {
			return verdict{}, err
		}
	}
	rg, err := newRig("pobratim-limits", h.botBin, []string{"run"}, kept, h.dir, h.classify, telegramtest.WithRateLimits())
	if err != nil {
		return verdict{}, err
	}
	defer rg.close()
	if _, err := rg.start(ctx); err != nil {
		return verdict{}, err
	}
	const rate, n = 20, 300
	h.progress("pobratim: Telegram's limits enforced, default pacing, %d updates at %d/s", n, rate)
	res := h.phase(ctx, rg, "limits", h.people, 30*time.Second, func(d *driver) {
		d.open(ctx, rate, n, time.Now().Add(time.Minute), nil)
	})
	res.Offered = rate
	tooMany := rg.srv.TooManyRequests()
	if err := rg.stop(); err != nil {
		return verdict{}, err
	}
	// Telegram tolerates short bursts in one chat that the fake server,
	// counting strictly, answers with 429: those are reported, and the
	// verdict is that nothing is lost.
	v := verdict{Name: "telegram-limits", Result: &res, Pass: res.Lost == 0 && res.Answered == res.Updates,
		Details: fmt.Sprintf("server enforcing 30 msg/s and 1 msg/s per chat strictly, bot at its default pacing: "+
			"%d updates at %d/s, %d answered, 429 answers %d (waited out and retried), p50 %.0f ms, p99 %.0f ms",
			res.Updates, rate, res.Answered, tooMany, res.P50, res.P99)}
	return v, nil
}
