package main

import (
	"slices"
	"strings"
	"time"
)

// result is what one scenario measured for one bot.
type result struct {
	Scenario   string         `json:"scenario"`
	Bot        string         `json:"bot"`
	Offered    float64        `json:"offered_per_s,omitempty"` // open loop: the rate updates were sent at
	Updates    int            `json:"updates"`
	Answered   int            `json:"answered"`
	Lost       int            `json:"lost"`
	Duplicates int            `json:"duplicates"`
	Errors     map[string]int `json:"errors,omitempty"` // error replies by kind
	Strays     int            `json:"strays"`           // messages to chats with no update of theirs
	Starved    int            `json:"starved,omitempty"`
	Seconds    float64        `json:"seconds"`    // from the first update sent to the last answer
	Throughput float64        `json:"throughput"` // updates answered per second
	P50        float64        `json:"p50_ms"`
	P95        float64        `json:"p95_ms"`
	P99        float64        `json:"p99_ms"`
	Max        float64        `json:"max_ms"`
	CPU        float64        `json:"cpu_s"`           // the bot's CPU time during the scenario
	CPUPerK    float64        `json:"cpu_ms_per_1k"`   // CPU milliseconds per 1,000 updates
	PeakRSS    float64        `json:"peak_rss_mb"`     // the bot's peak resident memory during the scenario
	HarnessCPU float64        `json:"harness_cpu_s"`   // the harness's own CPU time: fake server, proxy, members
	Notes      []string       `json:"notes,omitempty"` // what else the scenario observed
	Scripts    []scriptStats  `json:"scripts,omitempty"`
}

// scriptStats are the latencies of the updates of one script of the mix.
type scriptStats struct {
	Name     string         `json:"name"`
	Updates  int            `json:"updates"`
	Answered int            `json:"answered"`
	P50      float64        `json:"p50_ms"`
	P99      float64        `json:"p99_ms"`
	Kinds    map[string]int `json:"kinds,omitempty"` // known replies: errors, saved meetings
}

// summarize fills r from the records of a phase.
func summarize(r *result, recs []*record, strays int) {
	r.Updates = len(recs)
	r.Strays = strays
	r.Errors = map[string]int{}
	var lat []time.Duration
	var from, to time.Time
	for _, rec := range recs {
		if from.IsZero() || rec.injected.Before(from) {
			from = rec.injected
		}
		if rec.duplicated() {
			r.Duplicates++
		}
		if rec.first.IsZero() {
			r.Lost++
			continue
		}
		r.Answered++
		if isError(rec.kind) {
			r.Errors[rec.kind]++
		}
		lat = append(lat, rec.latency())
		if rec.first.After(to) {
			to = rec.first
		}
	}
	if len(r.Errors) == 0 {
		r.Errors = nil
	}
	r.Scripts = byScript(recs)
	if !to.IsZero() {
		r.Seconds = to.Sub(from).Seconds()
		if r.Seconds > 0 {
			r.Throughput = float64(r.Answered) / r.Seconds
		}
	}
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	r.P50 = ms(percentile(lat, 0.50))
	r.P95 = ms(percentile(lat, 0.95))
	r.P99 = ms(percentile(lat, 0.99))
	r.Max = ms(lat[len(lat)-1])
}

// percentile returns the q-quantile of sorted values (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// isError reports whether a known message is an error reply.
func isError(kind string) bool {
	return strings.HasPrefix(kind, "error.") || kind == "throttle.slow_down"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// byScript breaks a phase down by script, busiest first.
func byScript(recs []*record) []scriptStats {
	idx := map[string]int{}
	var out []scriptStats
	lat := map[string][]time.Duration{}
	for _, rec := range recs {
		name := rec.act.script
		i, ok := idx[name]
		if !ok {
			i = len(out)
			idx[name] = i
			out = append(out, scriptStats{Name: name, Kinds: map[string]int{}})
		}
		s := &out[i]
		s.Updates++
		if rec.first.IsZero() {
			continue
		}
		s.Answered++
		if rec.kind != "" {
			s.Kinds[rec.kind]++
		}
		lat[name] = append(lat[name], rec.latency())
	}
	for i := range out {
		l := lat[out[i].Name]
		slices.Sort(l)
		out[i].P50, out[i].P99 = ms(percentile(l, 0.5)), ms(percentile(l, 0.99))
		if len(out[i].Kinds) == 0 {
			out[i].Kinds = nil
		}
	}
	slices.SortFunc(out, func(a, b scriptStats) int { return b.Updates - a.Updates })
	return out
}
