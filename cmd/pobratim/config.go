package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers/meetings"
)

// config is everything the subcommands read from the environment and flags,
// parsed once. Flags win over environment variables.
type config struct {
	Command  string
	Args     []string // what follows the flags
	Token    string
	APIURL   string
	DB       string
	RedisURL string
	Admins   []int64
	Listen   string
	Webhook  string          // webhook URL; empty = long polling
	Secret   string          // webhook secret
	Leads    []time.Duration // reminder lead times
	LogJSON  bool
	Language string // console: the language of the simulated user
	Name     string // console: the first name of the simulated user

	// Broadcasts: messages per second for the whole bot, paid broadcasts,
	// approval by a second coordinator.
	BroadcastRate     int
	PaidBroadcast     bool
	BroadcastApproval bool
}

const usage = `usage: pobratim <command> [flags]

commands:
  run       serve Telegram (needs TELEGRAM_BOT_TOKEN)
  console   chat with the bot in this terminal, no token needed
  import    load the association's registry: pobratim import municipalities FILE.csv
  backup    write a consistent copy of the database: pobratim backup FILE
  version   print the version

Every flag has an environment variable; flags win. "pobratim <command> -h" lists them.
`

var errUsage = errors.New("usage")

// parseConfig reads the subcommand, then the environment, then the flags.
// Any invalid value is an error naming the variable.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, usage)
		return config{}, errUsage
	}
	c := config{Command: args[0]}
	switch c.Command {
	case "run", "console", "import", "backup", "version":
	default:
		fmt.Fprintf(stderr, "pobratim: unknown command %q\n\n%s", c.Command, usage)
		return config{}, errUsage
	}

	fs := flag.NewFlagSet("pobratim "+c.Command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Token, "token", env("TELEGRAM_BOT_TOKEN", ""), "bot token from @BotFather (TELEGRAM_BOT_TOKEN)")
	fs.StringVar(&c.APIURL, "api-url", env("TELEGRAM_API_URL", "https://api.telegram.org"), "Bot API base URL (TELEGRAM_API_URL)")
	fs.StringVar(&c.DB, "db", env("POBRATIM_DB", "pobratim.db"), "SQLite database file (POBRATIM_DB)")
	fs.StringVar(&c.RedisURL, "redis", env("REDIS_URL", ""), "Redis URL, e.g. redis://127.0.0.1:6379/0; empty keeps state in memory (REDIS_URL)")
	admins := fs.String("admins", env("POBRATIM_ADMINS", ""), "comma-separated Telegram user ids of admins (POBRATIM_ADMINS)")
	fs.StringVar(&c.Listen, "listen", env("POBRATIM_LISTEN", ":8080"), "HTTP address for webhook, health and metrics (POBRATIM_LISTEN)")
	fs.StringVar(&c.Webhook, "webhook-url", env("POBRATIM_WEBHOOK_URL", ""), "public HTTPS URL Telegram posts updates to; empty = long polling (POBRATIM_WEBHOOK_URL)")
	fs.StringVar(&c.Secret, "webhook-secret", env("POBRATIM_WEBHOOK_SECRET", ""), "webhook secret, 1-256 of A-Z a-z 0-9 _ - (POBRATIM_WEBHOOK_SECRET)")
	leads := fs.String("reminder-leads", env("POBRATIM_REMINDER_LEADS", "24h,1h"), "how long before a meeting reminders go out (POBRATIM_REMINDER_LEADS)")
	rate := fs.String("broadcast-rate", env("POBRATIM_BROADCAST_RATE", "25"), "messages per second for the whole bot; up to 1000 with paid broadcasts (POBRATIM_BROADCAST_RATE)")
	paid := fs.String("paid-broadcast", env("POBRATIM_PAID_BROADCAST", "off"), "on: send broadcasts with allow_paid_broadcast, paid in Stars (POBRATIM_PAID_BROADCAST)")
	approval := fs.String("broadcast-approval", env("POBRATIM_BROADCAST_APPROVAL", "off"), "on: a second coordinator approves every broadcast (POBRATIM_BROADCAST_APPROVAL)")
	logFormat := fs.String("log", env("POBRATIM_LOG", "text"), "log format: text or json (POBRATIM_LOG)")
	fs.StringVar(&c.Language, "lang", env("POBRATIM_CONSOLE_LANG", "ru"), "console: your Telegram language code (POBRATIM_CONSOLE_LANG)")
	fs.StringVar(&c.Name, "name", env("POBRATIM_CONSOLE_NAME", "Console"), "console: your first name (POBRATIM_CONSOLE_NAME)")
	if err := fs.Parse(args[1:]); err != nil {
		return config{}, errUsage
	}
	c.Args = fs.Args()

	var err error
	if c.Admins, err = parseIDs(*admins); err != nil {
		return config{}, fmt.Errorf("POBRATIM_ADMINS: %w", err)
	}
	if err := checkURL(c.APIURL, "http", "https"); err != nil {
		return config{}, fmt.Errorf("TELEGRAM_API_URL: %w", err)
	}
	if c.RedisURL != "" {
		if err := checkURL(c.RedisURL, "redis", "rediss"); err != nil {
			return config{}, fmt.Errorf("REDIS_URL: %w", err)
		}
	}
	if c.Leads, err = meetings.ParseLeads(*leads); err != nil {
		return config{}, fmt.Errorf("POBRATIM_REMINDER_LEADS: %q: give durations such as 24h,1h or 2d,30m", *leads)
	}
	if c.PaidBroadcast, err = onOff(*paid); err != nil {
		return config{}, fmt.Errorf("POBRATIM_PAID_BROADCAST: %w", err)
	}
	if c.BroadcastApproval, err = onOff(*approval); err != nil {
		return config{}, fmt.Errorf("POBRATIM_BROADCAST_APPROVAL: %w", err)
	}
	maxRate := 30 // Telegram's free bulk limit
	if c.PaidBroadcast {
		maxRate = 1000
	}
	if c.BroadcastRate, err = strconv.Atoi(*rate); err != nil || c.BroadcastRate < 1 || c.BroadcastRate > maxRate {
		return config{}, fmt.Errorf("POBRATIM_BROADCAST_RATE: %q: give messages per second, 1 to %d", *rate, maxRate)
	}
	if c.Webhook != "" {
		if err := checkURL(c.Webhook, "https", "http"); err != nil {
			return config{}, fmt.Errorf("POBRATIM_WEBHOOK_URL: %w", err)
		}
		if !webhookSecret.MatchString(c.Secret) {
			return config{}, errors.New("POBRATIM_WEBHOOK_SECRET: required with POBRATIM_WEBHOOK_URL, 1-256 characters of A-Z a-z 0-9 _ -")
		}
	}
	switch *logFormat {
	case "text":
	case "json":
		c.LogJSON = true
	default:
		return config{}, fmt.Errorf("POBRATIM_LOG: %q is neither text nor json", *logFormat)
	}
	if c.DB == "" {
		return config{}, errors.New("POBRATIM_DB: empty")
	}
	if c.Command == "run" && strings.TrimSpace(c.Token) == "" {
		return config{}, errors.New("TELEGRAM_BOT_TOKEN: required for run (get one from @BotFather), or try `pobratim console`")
	}
	if c.Command == "import" && (len(c.Args) != 2 || !slices.Contains(importKinds, c.Args[0])) {
		return config{}, fmt.Errorf("import: give what and the file: pobratim import {%s} FILE.csv", strings.Join(importKinds, "|"))
	}
	if c.Command == "backup" && len(c.Args) != 1 {
		return config{}, errors.New("backup: give the destination file: pobratim backup FILE")
	}
	return c, nil
}

// onOff reads an on/off switch.
func onOff(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is neither on nor off", s)
}

var webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func parseIDs(s string) ([]int64, error) {
	var ids []int64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not a Telegram user id", part)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func checkURL(raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	for _, s := range schemes {
		if u.Scheme == s && u.Host != "" {
			return nil
		}
	}
	return fmt.Errorf("%q: want a %s URL with a host", raw, strings.Join(schemes, " or "))
}
