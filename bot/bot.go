// Package bot is Pobratim's Telegram transport: it receives updates through
// github.com/go-telegram/bot, runs them in ordered per-chat lanes, filters
// duplicates and floods, loads the member, routes to a handler and delivers
// the replies. It is the only package besides cmd that imports the Telegram
// library (aliased tg, since this package is also called bot).
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
	"github.com/pobratim/pobratim/store/state"
)

// StateStore is what the transport needs from the state store.
type StateStore interface {
	handlers.Dialogs
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Allow(ctx context.Context, key string, r state.Rate) (bool, time.Duration, error)
	Ping(ctx context.Context) error
}

// Options configure a Bot. Zero values take the defaults noted.
type Options struct {
	Token          string
	APIURL         string        // default https://api.telegram.org
	Admins         []int64       // Telegram user ids that are admins from the start
	Workers        int           // chats handled in parallel; default 16
	HandlerTimeout time.Duration // per update; default 30 s
	DrainTimeout   time.Duration // how long shutdown waits for queued updates; default 10 s
	PollTimeout    time.Duration // long-polling timeout; default 50 s
	Throttle       state.Rate    // per user; default DefaultThrottle
	Log            *slog.Logger
	Now            func() time.Time
	HTTPClient     *http.Client
	Listen         string // address of /healthz, /metrics and the webhook; "" serves none
	WebhookURL     string // set: updates come by webhook instead of long polling
	WebhookSecret  string // required with WebhookURL
	Gauges         Gauges // extra readings for /metrics
	// ReminderLeads are the association's reminder lead times; nil: 24 h and 1 h.
	ReminderLeads []time.Duration
	// BroadcastRate caps the whole bot's messages per second
	// (POBRATIM_BROADCAST_RATE); 0 means DefaultBroadcastRate.
	BroadcastRate int
	// PaidBroadcast sets allow_paid_broadcast on broadcast copies
	// (POBRATIM_PAID_BROADCAST=on); raise BroadcastRate with it.
	PaidBroadcast bool
	// BroadcastApproval makes a second coordinator approve every broadcast
	// (POBRATIM_BROADCAST_APPROVAL=on).
	BroadcastApproval bool
}

// Deps are the parts a Bot works with.
type Deps struct {
	DB        *store.DB
	State     StateStore
	Catalog   *locales.Catalog
	Directory *directory.Directory
}

// Bot is a running Pobratim bot.
type Bot struct {
	api      *tg.Bot
	opts     Options
	deps     Deps
	log      *slog.Logger
	sender   *Sender
	router   *router
	lanes    *dispatcher
	metrics  *metrics
	jobs     *jobs.Scheduler
	pacer    *Pacer
	outbox   *broadcasts.Worker
	admins   map[int64]bool
	username string

	// handled, when set (by tests), is called after each update is handled.
	handled func(updateID int64)
}

const dedupeTTL = 24 * time.Hour // Telegram keeps undelivered updates for 24 hours

// DefaultThrottle lets a person send about 20 messages a minute (one token
// every 3 seconds) with a burst of 8.
var DefaultThrottle = state.Rate{Per: 24 * time.Second, Burst: 8}

// New builds a Bot. It does not contact Telegram yet.
func New(opts Options, deps Deps) (*Bot, error) {
	if opts.APIURL == "" {
		opts.APIURL = "https://api.telegram.org"
	}
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.HandlerTimeout <= 0 {
		opts.HandlerTimeout = 30 * time.Second
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 10 * time.Second
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 50 * time.Second
	}
	if opts.Throttle.Burst == 0 {
		opts.Throttle = DefaultThrottle
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	b := &Bot{opts: opts, deps: deps, log: opts.Log, admins: make(map[int64]bool)}
	for _, id := range opts.Admins {
		b.admins[id] = true
	}
	b.lanes = newDispatcher(opts.Workers, opts.Log, b.handleUpdate)
	gauges := Gauges{"pobratim_dialogs": func(ctx context.Context) (float64, error) {
		if c, ok := deps.State.(interface {
			CountDialogs(context.Context) (int, error)
		}); ok {
			n, err := c.CountDialogs(ctx)
			return float64(n), err
		}
		return 0, nil
	},
		"pobratim_jobs_pending": func(ctx context.Context) (float64, error) {
			n, err := deps.DB.CountPendingJobs(ctx)
			return float64(n), err
		},
	}
	for k, v := range opts.Gauges {
		gauges[k] = v
	}
	b.metrics = newMetrics(gauges)

	client := opts.HTTPClient
	if client == nil {
		// Every worker, the poller and the broadcast senders keep a
		// connection to the Bot API open; the default of two idle
		// connections per host would close and dial (TLS included) all
		// the others over and over.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = opts.Workers + 32
		client = &http.Client{Timeout: opts.PollTimeout + 10*time.Second, Transport: tr}
	}
	api, err := tg.New(opts.Token,
		tg.WithServerURL(opts.APIURL),
		tg.WithSkipGetMe(),
		tg.WithNotAsyncHandlers(),
		tg.WithHTTPClient(opts.PollTimeout, client),
		tg.WithDefaultHandler(func(ctx context.Context, _ *tg.Bot, upd *models.Update) {
			b.lanes.dispatch(ctx, upd)
		}),
		tg.WithErrorsHandler(b.clientError),
		tg.WithAllowedUpdates(allowedUpdates),
	)
	if err != nil {
		return nil, fmt.Errorf("bot: create client: %w", err)
	}
	b.api = api
	b.sender = NewSender(api, opts.Log, b.markUnreachable)
	b.sender.metrics = b.metrics
	b.pacer = NewPacer(opts.BroadcastRate)
	b.sender.pacer = b.pacer
	b.outbox = &broadcasts.Worker{DB: deps.DB, Out: chatPaced{b.sender, b.pacer}, Text: deps.Catalog, Now: opts.Now, Log: opts.Log,
		Parallel:  max(8, b.pacer.Rate()/10),
		Transport: &bulkTransport{api: api, pacer: b.pacer, paid: opts.PaidBroadcast, metrics: b.metrics, onForbidden: b.markUnreachable}}
	b.jobs = jobs.New(deps.DB, deps.DB.Leases(opts.Now), jobs.Options{Now: opts.Now, Log: opts.Log})
	b.router = newRouter(b.features())
	return b, nil
}

// Sender returns the bot's message sender.
func (b *Bot) Sender() *Sender { return b.sender }

// allowedUpdates are the update kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Prepare introduces the bot to Telegram: it learns its own username, sets
// the webhook in webhook mode or removes a leftover one (which would make
// long polling fail with 409), and registers the command menu in every
// language.
func (b *Bot) Prepare(ctx context.Context) error {
	me, err := b.api.GetMe(ctx)
	if err != nil {
		return fmt.Errorf("bot: getMe (is the token right?): %w", err)
	}
	b.username = me.Username
	if b.opts.WebhookURL != "" {
		if err := b.setWebhook(ctx); err != nil {
			return err
		}
	} else if _, err := b.api.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("bot: deleteWebhook: %w", err)
	}
	return b.registerCommands(ctx)
}

// Run serves updates — by long polling, or by webhook when a webhook URL is
// set — and the HTTP endpoints until ctx ends, then waits for the updates
// already taken to be handled.
func (b *Bot) Run(ctx context.Context) error {
	if b.username == "" {
		if err := b.Prepare(ctx); err != nil {
			return err
		}
	}
	stopHTTP, err := b.serveHTTP(ctx)
	if err != nil {
		return err
	}
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); b.jobs.Run(ctx) }()
	outboxDone := make(chan struct{})
	go func() { defer close(outboxDone); b.outbox.Run(ctx) }()
	if b.opts.WebhookURL != "" {
		b.log.Info("receiving updates by webhook", "bot", b.username)
		<-ctx.Done()
	} else {
		b.log.Info("polling for updates", "bot", b.username)
		b.api.Start(ctx)
	}
	stopHTTP() // no new webhook updates; then drain what was taken
	<-jobsDone // the job running now is finished and recorded
	<-outboxDone
	return b.shutdown()
}

// clientError logs the Telegram library's errors. An undecodable update is
// logged without its content: it carries people's messages.
func (b *Bot) clientError(err error) {
	if strings.Contains(err.Error(), "error decode update") {
		b.log.Warn("telegram client: undecodable update skipped")
		return
	}
	b.log.Warn("telegram client", "err", err)
}

func (b *Bot) shutdown() error {
	if !b.lanes.drain(b.opts.DrainTimeout) {
		return errors.New("bot: shutdown: updates still running after the drain timeout")
	}
	b.log.Info("all updates handled, stopped")
	return nil
}

func (b *Bot) registerCommands(ctx context.Context) error {
	for _, lang := range append([]string{""}, locales.Languages...) {
		render := lang
		if render == "" {
			render = locales.Default // for users whose language has no menu of its own
		}
		var cmds []models.BotCommand
		for _, c := range b.router.menu {
			if c.Menu {
				cmds = append(cmds, models.BotCommand{Command: c.Name, Description: b.deps.Catalog.Text(render, c.DescriptionID, nil)})
			}
		}
		if _, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: lang}); err != nil {
			return fmt.Errorf("bot: setMyCommands %q: %w", lang, err)
		}
	}
	return nil
}

func (b *Bot) markUnreachable(ctx context.Context, chatID int64) {
	if chatID <= 0 {
		return
	}
	if err := b.deps.DB.SetReachable(context.WithoutCancel(ctx), chatID, false, b.opts.Now()); err != nil &&
		!errors.Is(err, store.ErrNotFound) {
		b.log.Error("could not mark member unreachable", "err", err)
	}
}
