// Command pobratim-load measures the Pobratim bot under load and under
// faults, against the bare go-telegram/bot framework as its floor.
//
// It builds the real pobratim binary and a bare echo bot (./floor), runs
// each as a child process polling an in-process fake Bot API server
// (bot/telegramtest) through a small proxy that notes when updates are
// handed out, gives Pobratim a synthetic SQLite database and its own
// redis-server, and sends the updates of simulated members: a mix of
// commands, place names in many spellings, dialogs and button presses.
//
// Scenarios: idle (CPU of a bot with nothing to do), steady (the mix at a
// fixed offered rate, for latency), max (the mix as fast as the bot
// answers, for throughput), storm (10,000 RSVP presses on one announcement
// within 20 s); and, for Pobratim only, faults with verdicts: redeliver
// (Telegram delivering updates again), redis (Redis stopped for 20 s),
// kill (SIGKILL and restart), api (Bot API answering 502, then hanging),
// busy (the database locked from outside, and backed up), limits (a server
// enforcing Telegram's flood limits).
//
// It prints a table and, as its last line, the report as JSON. Every loop
// is bounded in count and time: the command stops by itself.
//
//	go run ./cmd/pobratim-load                  # everything, about 8 minutes on 2 cores
//	go run ./cmd/pobratim-load -scenarios steady,max -floor=false
//	go run ./cmd/pobratim-load -pprof -keep     # also CPU profiles of the bot
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the flags, runs the harness and prints the report. It
// returns 1 when the run failed and 3 when a fault verdict failed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "pobratim-load: %v\n", err)
		return 2
	}
	h := &harness{cfg: cfg, log: stderr}
	rep, err := h.run(ctx)
	if rep != nil && len(rep.Results)+len(rep.Faults) > 0 {
		if rep.Targets == nil {
			rep.finish()
		}
		if werr := rep.write(stdout); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "pobratim-load: %v\n", err)
		return 1
	}
	for _, v := range rep.Faults {
		if !v.Pass {
			return 3
		}
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("pobratim-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenarios := fs.String("scenarios", "all", "comma-separated: "+strings.Join(allScenarios, ",")+", or all")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "steady: offered updates per second")
	fs.IntVar(&cfg.Steady, "steady", cfg.Steady, "steady: updates")
	fs.IntVar(&cfg.WarmUp, "warm-up", cfg.WarmUp, "updates sent before the measured scenarios, not reported")
	fs.IntVar(&cfg.Max, "max", cfg.Max, "max: updates")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "max: updates in flight")
	fs.IntVar(&cfg.Storm, "storm", cfg.Storm, "storm: button presses, one per member")
	fs.DurationVar(&cfg.StormWindow, "storm-window", cfg.StormWindow, "storm: the presses arrive within this time")
	fs.DurationVar(&cfg.Idle, "idle", cfg.Idle, "idle: how long to watch the idle bot")
	fs.Float64Var(&cfg.FaultRate, "fault-rate", cfg.FaultRate, "faults: offered updates per second")
	fs.IntVar(&cfg.Plan.Members, "members", cfg.Plan.Members, "synthetic members in the database")
	fs.IntVar(&cfg.Plan.Meetings, "meetings", cfg.Plan.Meetings, "synthetic meetings in the database")
	fs.IntVar(&cfg.Plan.Agreements, "agreements", cfg.Plan.Agreements, "synthetic agreements in the database")
	fs.IntVar(&cfg.Users, "users", cfg.Users, "people taking part in the mix (a twentieth of them new to the bot)")
	without := fs.String("without", "", "comma-separated scripts of the mix to leave out, e.g. partners,city (to see what they cost)")
	fs.BoolVar(&cfg.Floor, "floor", cfg.Floor, "also measure the bare go-telegram/bot floor")
	fs.StringVar(&cfg.Redis, "redis", cfg.Redis, "spawn: start a redis-server of its own; none: the bot keeps state in memory")
	fs.BoolVar(&cfg.Build.Race, "race", cfg.Build.Race, "build the bots with the race detector")
	fs.BoolVar(&cfg.Build.PProf, "pprof", cfg.Build.PProf, "record CPU profiles of the bot (with -keep to read them)")
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "an update unanswered this long counts as lost")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed: the same seed makes the same database and mix")
	fs.StringVar(&cfg.Dir, "dir", "", "work directory (kept); default: a temporary one")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the temporary work directory: logs, database, profiles")
	fs.BoolVar(&cfg.Transcript, "transcript", false, "write each phase's updates and replies to the work directory (with -keep)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *scenarios != "all" {
		cfg.Scenarios = map[string]bool{}
		for _, s := range strings.Split(*scenarios, ",") {
			s = strings.TrimSpace(s)
			known := false
			for _, k := range allScenarios {
				known = known || k == s
			}
			if !known {
				return cfg, fmt.Errorf("-scenarios: unknown %q (known: %s)", s, strings.Join(allScenarios, ", "))
			}
			cfg.Scenarios[s] = true
		}
	}
	if *without != "" {
		for _, name := range strings.Split(*without, ",") {
			name = strings.TrimSpace(name)
			if _, ok := scriptByName(name); !ok {
				return cfg, fmt.Errorf("-without: the mix has no script %q", name)
			}
			cfg.Without = append(cfg.Without, name)
		}
	}
	switch {
	case cfg.Redis != "spawn" && cfg.Redis != "none":
		return cfg, fmt.Errorf("-redis: %q is neither spawn nor none", cfg.Redis)
	case cfg.Rate <= 0 || cfg.FaultRate <= 0:
		return cfg, errors.New("-rate and -fault-rate must be positive")
	case cfg.Steady < 1 || cfg.Max < 1 || cfg.Concurrency < 1 || cfg.Storm < 1:
		return cfg, errors.New("-steady, -max, -concurrency and -storm must be positive")
	case cfg.Plan.Members < 100 || cfg.Users < 20:
		return cfg, errors.New("-members must be at least 100 and -users at least 20")
	case cfg.StormWindow <= 0 || cfg.Timeout <= 0:
		return cfg, errors.New("-storm-window and -timeout must be positive")
	}
	return cfg, nil
}
