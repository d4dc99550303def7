package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// phase runs drive with a fresh driver over people, waits for the answers
// and measures what the bot did meanwhile.
func (h *harness) phase(ctx context.Context, rg *rig, name string, people []*member, timeout time.Duration, drive func(d *driver)) result {
	d := newDriver(rg.srv, rg.tr, people, h.mix(), h.rng.Uint64(), timeout)
	rg.tr.begin(d.release)
	if rg.proc.alive() {
		_ = rg.proc.resetPeak()
	}
	u0, self0 := rg.usage(), selfCPU()
	wctx, cancel := context.WithCancel(ctx)
	go d.watch(wctx)
	drive(d)
	qerr := d.quiesce(ctx, 500*time.Millisecond)
	cancel()
	u1 := rg.usage()

	res := result{Scenario: name, Bot: rg.name, Starved: d.starved, HarnessCPU: (selfCPU() - self0).Seconds()}
	rg.tr.inspect(func(recs []*record, strays int) {
		summarize(&res, recs, strays)
		if name != "steady" && name != "max" {
			res.Scripts = nil // kept where the mix is what is measured
		}
		if h.cfg.Transcript {
			h.writeTranscript(rg.name, name, recs)
		}
	})
	if qerr != nil {
		res.Notes = append(res.Notes, qerr.Error())
	}
	if u0.CPU > 0 && u1.CPU >= u0.CPU {
		res.CPU = (u1.CPU - u0.CPU).Seconds()
		if res.Updates > 0 {
			res.CPUPerK = res.CPU * 1e6 / float64(res.Updates)
		}
		res.PeakRSS = mb(u1.Peak)
	}
	return res
}

// mix is the mix of the run: all scripts but those left out.
func (h *harness) mix() []script {
	var out []script
	for _, s := range mix {
		if !slices.Contains(h.cfg.Without, s.name) {
			out = append(out, s)
		}
	}
	return out
}

// warmUp sends a short mix that is not reported: first searches load
// indexes, connections are opened.
func (h *harness) warmUp(ctx context.Context, rg *rig) {
	n := h.cfg.WarmUp
	h.progress("%s: warm-up, %d updates", rg.name, n)
	h.phase(ctx, rg, "warm-up", h.people, h.cfg.Timeout, func(d *driver) {
		d.open(ctx, 100, n, time.Now().Add(time.Minute), nil)
	})
}

// steady offers the mix at a fixed rate, for latency.
func (h *harness) steady(ctx context.Context, rg *rig) result {
	n, rate := h.cfg.Steady, h.cfg.Rate
	h.progress("%s: steady mix, %d updates at %.0f/s", rg.name, n, rate)
	limit := time.Now().Add(time.Duration(float64(n)/rate*float64(time.Second)) + 10*time.Second)
	res := h.phase(ctx, rg, "steady", h.people, h.cfg.Timeout, func(d *driver) {
		h.profile(rg, "steady", time.Duration(float64(n)/rate*float64(time.Second)))
		d.open(ctx, rate, n, limit, nil)
	})
	res.Offered = rate
	return res
}

// max sends the mix as fast as the bot answers, with a fixed number of
// updates in flight, for throughput.
func (h *harness) max(ctx context.Context, rg *rig) result {
	n := h.cfg.Max
	h.progress("%s: mix as fast as possible, %d updates, %d in flight", rg.name, n, h.cfg.Concurrency)
	return h.phase(ctx, rg, "max", h.people, h.cfg.Timeout, func(d *driver) {
		h.profile(rg, "max", 10*time.Second)
		d.closed(ctx, h.cfg.Concurrency, n, time.Now().Add(5*time.Minute))
	})
}

// stormRun is the RSVP storm: an announcement of the forum with its three
// buttons is in every chat, and everyone presses one within the window.
func (h *harness) stormRun(ctx context.Context, rg *rig) (result, error) {
	people := h.storm
	n := len(people)
	h.progress("%s: RSVP storm, %d presses within %v", rg.name, n, h.cfg.StormWindow)
	msgs, err := h.announce(ctx, rg, people)
	if err != nil {
		return result{}, err
	}
	answers := []string{"going", "going", "going", "going", "going", "going", "going", "maybe", "maybe", "not_going"}
	var i int
	rate := float64(n) / h.cfg.StormWindow.Seconds()
	res := h.phase(ctx, rg, "storm", people, h.cfg.Timeout, func(d *driver) {
		d.choose = func(m *member) action {
			i++
			return action{script: "rsvp", messageID: msgs[m.ID],
				data: fmt.Sprintf("fr:rsvp:%d:%s", h.seeded.forumID, answers[i%len(answers)])}
		}
		h.profile(rg, "storm", h.cfg.StormWindow)
		d.open(ctx, rate, n, time.Now().Add(h.cfg.StormWindow+10*time.Second), nil)
	})
	res.Offered = rate
	return res, nil
}

// announce puts the forum's announcement with RSVP buttons into every
// chat, as the broadcast would have, and returns the message ids.
func (h *harness) announce(ctx context.Context, rg *rig, people []*member) (map[int64]int, error) {
	api, err := tg.New("123456789:load-harness", tg.WithServerURL(rg.srv.URL()), tg.WithSkipGetMe())
	if err != nil {
		return nil, fmt.Errorf("announce: %w", err)
	}
	rg.tr.setIgnore(true)
	defer rg.tr.setIgnore(false)
	id := h.seeded.forumID
	markup := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{
		{Text: "Пойду", CallbackData: fmt.Sprintf("fr:rsvp:%d:going", id)},
		{Text: "Возможно", CallbackData: fmt.Sprintf("fr:rsvp:%d:maybe", id)},
		{Text: "Не пойду", CallbackData: fmt.Sprintf("fr:rsvp:%d:not_going", id)},
	}}}
	var mu sync.Mutex
	out := make(map[int64]int, len(people))
	work := make(chan *member)
	var wg sync.WaitGroup
	var firstErr error
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range work {
				msg, err := api.SendMessage(ctx, &tg.SendMessageParams{ChatID: m.ID, ReplyMarkup: markup,
					Text: "[synthetic] Форум регионов: регистрация открыта. Придёте?"})
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("announce to %d: %w", m.ID, err)
				} else if err == nil {
					out[m.ID] = msg.ID
				}
				mu.Unlock()
			}
		}()
	}
	for _, m := range people {
		work <- m
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	// Let the tracker read the announcements before it counts again.
	last := rg.srv.LastSeq()
	for rg.tr.seen() < last {
		time.Sleep(10 * time.Millisecond)
	}
	return out, nil
}

// idle watches the bot doing nothing.
func (h *harness) idle(ctx context.Context, rg *rig) result {
	h.progress("%s: idle for %v", rg.name, h.cfg.Idle)
	sleep(ctx, time.Second)
	u0, polls := rg.usage(), rg.proxy.polls.Load()
	sleep(ctx, h.cfg.Idle)
	u1 := rg.usage()
	res := result{Scenario: "idle", Bot: rg.name, Seconds: h.cfg.Idle.Seconds(),
		CPU: (u1.CPU - u0.CPU).Seconds(), PeakRSS: mb(u1.RSS)}
	res.Notes = append(res.Notes, fmt.Sprintf("%d getUpdates calls in %v", rg.proxy.polls.Load()-polls, h.cfg.Idle))
	return res
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// writeTranscript writes every update of a phase and the bot's replies to
// transcript-<bot>-<phase>.txt in the work directory, by member.
func (h *harness) writeTranscript(bot, phase string, recs []*record) {
	path := filepath.Join(h.dir, fmt.Sprintf("transcript-%s-%s.txt", bot, phase))
	f, err := os.Create(path)
	if err != nil {
		h.progress("transcript: %v", err)
		return
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	byMember := map[int64][]*record{}
	var order []int64
	for _, rec := range recs {
		if _, ok := byMember[rec.member.ID]; !ok {
			order = append(order, rec.member.ID)
		}
		byMember[rec.member.ID] = append(byMember[rec.member.ID], rec)
	}
	for _, id := range order {
		fmt.Fprintf(w, "== member %d\n", id)
		for _, rec := range byMember[id] {
			what := rec.act.text
			if rec.act.data != "" {
				what = "[press " + rec.act.data + "]"
			}
			took := "no answer"
			if !rec.first.IsZero() {
				took = fmt.Sprintf("%.1f ms", ms(rec.latency()))
			}
			fmt.Fprintf(w, "> %s (%s, update %d, %s)\n", what, rec.act.script, rec.id, took)
			for _, r := range rec.replies {
				fmt.Fprintf(w, "< %s: %s\n", r.method, shorten(r.text, 160))
			}
		}
	}
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
