package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// config is what a run measures and how big it is.
type config struct {
	Scenarios   map[string]bool // which scenarios run, see allScenarios
	Rate        float64         // steady: offered updates per second
	Steady      int             // steady: updates
	WarmUp      int             // updates sent first and not reported
	Max         int             // max: updates
	Concurrency int             // max: updates in flight
	Storm       int             // storm: button presses
	StormWindow time.Duration   // storm: within this time
	Idle        time.Duration   // idle: how long to watch the idle bot
	FaultRate   float64         // faults: offered updates per second
	Plan        plan            // the synthetic database
	Users       int             // people taking part in the mix
	Without     []string        // scripts left out of the mix
	Floor       bool            // also measure the bare go-telegram/bot floor
	Redis       string          // "spawn" (own redis-server) or "none" (state in the bot's memory)
	Build       buildOptions
	Timeout     time.Duration // an update unanswered this long is lost
	Seed        uint64
	Dir         string // work directory; a temporary one when empty
	Keep        bool   // keep the work directory
	Transcript  bool   // write what every member sent and got, per phase
}

// allScenarios are the scenarios in the order they run.
var allScenarios = []string{"idle", "steady", "max", "storm", "redeliver", "redis", "kill", "api", "busy", "limits"}

// faultScenarios need the real bot and their own setup.
var faultScenarios = map[string]bool{"redeliver": true, "redis": true, "kill": true, "api": true, "busy": true, "limits": true}

// defaultConfig is the full measurement run.
func defaultConfig() config {
	all := map[string]bool{}
	for _, s := range allScenarios {
		all[s] = true
	}
	return config{
		Scenarios: all, Rate: 200, Steady: 6000, WarmUp: 300, Max: 20000, Concurrency: 128,
		Storm: 10000, StormWindow: 20 * time.Second, Idle: 10 * time.Second, FaultRate: 50,
		Plan:  plan{Members: 50000, Meetings: 20000, Agreements: 5000},
		Users: 20000, Floor: true, Redis: "spawn", Timeout: 10 * time.Second, Seed: 1,
	}
}

// harness runs the scenarios of a config.
type harness struct {
	cfg  config
	log  io.Writer // progress
	dir  string
	db   string // the bot's database
	rng  *rand.Rand
	text map[string]string // known reply text → its message id

	botBin, floorBin string
	redis            *redisServer
	seeded           seeded
	people           []*member // who takes part in the mix
	storm            []*member // who presses the RSVP button
	rep              *report
	pprofAddr        string // the bot's net/http/pprof, with -pprof
}

// run builds the programs, makes the database, runs the scenarios and
// returns the report. It stops everything it started before returning.
func (h *harness) run(ctx context.Context) (*report, error) {
	h.rng = rand.New(rand.NewPCG(h.cfg.Seed, 42))
	h.rep = newReport(h.cfg)
	dir := h.cfg.Dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "pobratim-load-"); err != nil {
			return nil, fmt.Errorf("work directory: %w", err)
		}
	}
	h.dir = dir
	if !h.cfg.Keep && h.cfg.Dir == "" {
		defer os.RemoveAll(dir)
	} else {
		h.progress("work directory: %s", dir)
	}

	h.progress("building pobratim and the floor bot")
	var err error
	if h.botBin, err = build(ctx, dir, botPackage, "pobratim", h.cfg.Build); err != nil {
		return nil, err
	}
	if h.cfg.Floor {
		if h.floorBin, err = build(ctx, dir, floorPackage, "floor", h.cfg.Build); err != nil {
			return nil, err
		}
	}
	if err := h.prepare(ctx); err != nil {
		return nil, err
	}
	if h.redis != nil {
		defer h.redis.close()
	}

	if h.cfg.Floor {
		if err := h.measure(ctx, "floor"); err != nil {
			return h.rep, err
		}
	}
	if err := h.measure(ctx, "pobratim"); err != nil {
		return h.rep, err
	}
	if h.cfg.Scenarios["limits"] {
		v, err := h.limits(ctx)
		if err != nil {
			return h.rep, err
		}
		h.rep.addFault(v)
	}
	if err := h.integrity(ctx); err != nil {
		h.rep.addFault(verdict{Name: "integrity", Details: err.Error()})
	} else {
		h.rep.addFault(verdict{Name: "integrity", Pass: true, Details: "PRAGMA integrity_check: ok at the end of the run"})
	}
	h.rep.finish()
	return h.rep, nil
}

// prepare loads the texts, makes the database, starts Redis and chooses
// the people.
func (h *harness) prepare(ctx context.Context) error {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	catalog, err := locales.Load(quiet)
	if err != nil {
		return err
	}
	h.text = knownTexts(catalog)
	dir, err := directory.Load()
	if err != nil {
		return err
	}
	h.db = filepath.Join(h.dir, "pobratim.db")
	h.progress("making the synthetic database: %d members, %d meetings, %d agreements",
		h.cfg.Plan.Members, h.cfg.Plan.Meetings, h.cfg.Plan.Agreements)
	if h.seeded, err = seedDatabase(ctx, h.db, dir, h.cfg.Plan, h.cfg.Seed); err != nil {
		return err
	}
	if fi, err := os.Stat(h.db); err == nil {
		h.rep.DBMB = float64(fi.Size()) / (1 << 20)
	}
	h.rep.SeedSeconds = h.seeded.took.Seconds()
	h.progress("database ready in %.1f s (%.0f MB)", h.seeded.took.Seconds(), h.rep.DBMB)

	if h.cfg.Redis == "spawn" {
		if h.redis, err = startRedis(ctx, h.dir); err != nil {
			return err
		}
	}

	// The mix: people of the database, a twentieth of them newcomers.
	pool := h.seeded.members
	order := h.rng.Perm(len(pool))
	users := min(h.cfg.Users, len(pool))
	fresh := max(users/20, 1)
	for _, i := range order[:users-fresh] {
		h.people = append(h.people, pool[i])
	}
	h.people = append(h.people, newcomers(fresh, h.cfg.Seed)...)
	h.rng.Shuffle(len(h.people), func(i, j int) { h.people[i], h.people[j] = h.people[j], h.people[i] })
	// The storm: verified members, each pressing once.
	for _, i := range order {
		if len(h.storm) == h.cfg.Storm {
			break
		}
		if pool[i].verified {
			h.storm = append(h.storm, pool[i])
		}
	}
	return nil
}

// knownTexts maps the texts of the replies the harness tells apart to
// their message ids, in every language.
func knownTexts(c *locales.Catalog) map[string]string {
	ids := []string{"error.internal", "error.state_unavailable", "error.timeout", "error.stale_button",
		"error.forbidden", "error.not_verified", "throttle.slow_down", "meetings.created"}
	out := map[string]string{}
	for _, lang := range locales.Languages {
		for _, id := range ids {
			out[c.Text(lang, id, nil)] = id
		}
	}
	return out
}

// classify returns the message id of a known reply: the text, or its
// beginning when the message goes on (a saved meeting's card follows the
// confirmation).
func (h *harness) classify(text string) string {
	if id, ok := h.text[text]; ok {
		return id
	}
	for known, id := range h.text {
		if strings.HasPrefix(text, known) {
			return id
		}
	}
	return ""
}

// botEnv is the environment of the bot under test.
func (h *harness) botEnv(extra ...string) ([]string, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env := []string{
		"TELEGRAM_BOT_TOKEN=123456789:load-harness",
		"POBRATIM_DB=" + h.db,
		fmt.Sprintf("POBRATIM_LISTEN=127.0.0.1:%d", port),
		fmt.Sprintf("POBRATIM_ADMINS=%d", memberBase),
		// Replies are paced to Telegram's limits; the engine is measured
		// at the highest rate the bot accepts (paid broadcasts allow 1000/s).
		"POBRATIM_BROADCAST_RATE=1000",
		"POBRATIM_PAID_BROADCAST=on",
	}
	if h.redis != nil {
		env = append(env, "REDIS_URL="+h.redis.URL())
	}
	return append(env, extra...), nil
}

// measure runs the scenarios on one bot.
func (h *harness) measure(ctx context.Context, name string) error {
	bin, args, env := h.floorBin, []string(nil), []string{"TELEGRAM_BOT_TOKEN=123456789:load-harness"}
	if name == "pobratim" {
		var err error
		bin, args = h.botBin, []string{"run"}
		if env, err = h.botEnv(); err != nil {
			return err
		}
		if h.cfg.Build.PProf {
			port, err := freePort()
			if err != nil {
				return err
			}
			h.pprofAddr = fmt.Sprintf("127.0.0.1:%d", port)
			env = append(env, "POBRATIM_LOAD_PPROF="+h.pprofAddr)
		}
	}
	rg, err := newRig(name, bin, args, env, h.dir, h.classify)
	if err != nil {
		return err
	}
	defer rg.close()
	took, err := rg.start(ctx)
	if err != nil {
		return err
	}
	u := rg.usage()
	h.progress("%s: polling %.2f s after start, %.1f MB resident", name, took.Seconds(), mb(u.RSS))
	if name == "pobratim" {
		h.rep.StartSeconds = took.Seconds()
		h.rep.StartRSS = mb(u.RSS)
	}

	if h.cfg.WarmUp > 0 && (h.cfg.Scenarios["steady"] || h.cfg.Scenarios["max"] || h.cfg.Scenarios["storm"]) {
		h.warmUp(ctx, rg)
	}
	for _, sc := range allScenarios {
		if !h.cfg.Scenarios[sc] || (faultScenarios[sc] && name != "pobratim") || sc == "limits" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !rg.proc.alive() {
			return fmt.Errorf("%s died before %s: %v; see %s", name, sc, rg.proc.err, filepath.Join(h.dir, name+".log"))
		}
		switch sc {
		case "idle":
			h.rep.add(h.idle(ctx, rg))
		case "steady":
			h.rep.add(h.steady(ctx, rg))
		case "max":
			h.rep.add(h.max(ctx, rg))
		case "storm":
			res, err := h.stormRun(ctx, rg)
			if err != nil {
				return err
			}
			h.rep.add(res)
		default:
			v, err := h.fault(ctx, rg, sc)
			if err != nil {
				return err
			}
			h.rep.addFault(v)
		}
	}
	if name == "pobratim" {
		began := time.Now()
		err := rg.stop()
		v := verdict{Name: "graceful-stop", Pass: err == nil,
			Details: fmt.Sprintf("SIGTERM: drained and exited in %.2f s", time.Since(began).Seconds())}
		if err != nil {
			v.Details = fmt.Sprintf("SIGTERM: %v", err)
		}
		h.rep.addFault(v)
		return nil
	}
	return rg.stop()
}

// integrity checks the bot's database.
func (h *harness) integrity(ctx context.Context) error {
	db, err := store.Open(ctx, h.db)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.IntegrityCheck(ctx)
}

func (h *harness) progress(format string, args ...any) {
	fmt.Fprintf(h.log, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// machine describes the computer: cores and CPU model.
func machine() (int, string) {
	model := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return runtime.NumCPU(), model
}
