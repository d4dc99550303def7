package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestTinyRun runs the harness end to end on a small scale: the real bot
// binary, a few hundred updates of the mix, then some of them delivered
// again. It fails if the bot leaves an update unanswered, answers one
// twice, fails with an internal error, or does not stop cleanly.
func TestTinyRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bot")
	}
	cfg := defaultConfig()
	cfg.Scenarios = map[string]bool{"steady": true, "redeliver": true}
	cfg.Plan = plan{Members: 600, Meetings: 200, Agreements: 50}
	cfg.Users, cfg.Steady, cfg.Rate, cfg.WarmUp = 200, 200, 50, 0
	cfg.Floor = false
	cfg.Build.Race = raceEnabled
	cfg.Dir = t.TempDir()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Log("redis-server not found: the bot keeps its state in memory")
		cfg.Redis = "none"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	h := &harness{cfg: cfg, log: testLog{t}}
	rep, err := h.run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, ok := rep.get("steady", "pobratim")
	if !ok {
		t.Fatal("no steady result")
	}
	t.Logf("%d updates, %d answered, p50 %.1f ms, p99 %.1f ms", res.Updates, res.Answered, res.P50, res.P99)
	if res.Updates != cfg.Steady || res.Answered != res.Updates || res.Lost != 0 {
		t.Errorf("sent %d updates (want %d), %d answered, %d lost", res.Updates, cfg.Steady, res.Answered, res.Lost)
	}
	if res.Duplicates != 0 {
		t.Errorf("%d updates answered twice", res.Duplicates)
	}
	if n := res.Errors["error.internal"] + res.Errors["error.timeout"]; n != 0 {
		t.Errorf("%d internal errors or timeouts; see the bot's log in the test's temporary directory", n)
	}
	for _, v := range rep.Faults {
		if !v.Pass {
			t.Errorf("%s: %s", v.Name, v.Details)
		}
	}
	if len(rep.Faults) < 3 {
		t.Errorf("verdicts %v, want redelivery, graceful-stop and integrity", rep.Faults)
	}
}

// testLog shows the harness's progress in the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
