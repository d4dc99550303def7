package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pobratim/pobratim/bot"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// run is the whole program; main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, errUsage) {
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "pobratim: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	redis.SetLogger(redisLog{log})
	switch cfg.Command {
	case "version":
		fmt.Fprintln(stdout, "pobratim", version())
		return 0
	case "backup":
		err = backup(ctx, cfg)
	case "import":
		err = importFile(ctx, cfg, log, stdout)
	case "run":
		err = serve(ctx, cfg, log)
	case "console":
		err = console(ctx, cfg, log, stdin, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "pobratim: %v\n", err)
		return 1
	}
	return 0
}

// redisLog sends go-redis's own messages (one per failed dial while Redis
// is down) to our log at debug level instead of stderr.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if cfg.Command == "console" {
		level = slog.LevelWarn // the terminal belongs to the conversation
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// parts are what every serving mode opens: records, state, text.
type parts struct {
	db        *store.DB
	state     stateStore
	catalog   *locales.Catalog
	directory *directory.Directory
}

type stateStore interface {
	bot.StateStore
	Close() error
}

func open(ctx context.Context, cfg config, log *slog.Logger) (*parts, error) {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	p := &parts{db: db}
	if cfg.RedisURL == "" {
		log.Info("REDIS_URL is empty: conversation state is kept in this process; run a single instance only")
		p.state = state.NewMemory(time.Now)
	} else if p.state, err = state.OpenRedis(cfg.RedisURL, "pobratim:"); err != nil {
		db.Close()
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	if p.catalog, err = locales.Load(log); err != nil {
		p.close()
		return nil, err
	}
	if p.directory, err = directory.Load(); err != nil {
		p.close()
		return nil, err
	}
	if err := partners.ApplyRegistry(ctx, db, p.directory); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *parts) close() {
	p.state.Close()
	p.db.Close()
}

func (p *parts) newBot(opts bot.Options) (*bot.Bot, error) {
	return bot.New(opts, bot.Deps{DB: p.db, State: p.state, Catalog: p.catalog, Directory: p.directory})
}

// serve runs the bot against Telegram until ctx ends.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	p, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer p.close()
	b, err := p.newBot(bot.Options{Token: cfg.Token, APIURL: cfg.APIURL, Admins: cfg.Admins, Log: log,
		Listen: cfg.Listen, WebhookURL: cfg.Webhook, WebhookSecret: cfg.Secret, ReminderLeads: cfg.Leads,
		BroadcastRate: cfg.BroadcastRate, PaidBroadcast: cfg.PaidBroadcast, BroadcastApproval: cfg.BroadcastApproval})
	if err != nil {
		return err
	}
	return b.Run(ctx)
}

func backup(ctx context.Context, cfg config) error {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Backup(ctx, cfg.Args[0])
}
