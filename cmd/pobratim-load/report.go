package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// report is everything a run measured.
type report struct {
	Date         string             `json:"date"`
	Cores        int                `json:"cores"`
	CPU          string             `json:"cpu"`
	Go           string             `json:"go"`
	Plan         plan               `json:"database"`
	Users        int                `json:"users"`
	Without      []string           `json:"without,omitempty"` // scripts left out of the mix
	DBMB         float64            `json:"db_mb"`
	SeedSeconds  float64            `json:"seed_s"`
	StartSeconds float64            `json:"start_s"`      // from exec to the first getUpdates
	StartRSS     float64            `json:"start_rss_mb"` // resident memory once polling
	Results      []result           `json:"results"`
	Faults       []verdict          `json:"faults"`
	Ratios       map[string]float64 `json:"ratios,omitempty"` // Pobratim / floor
	Targets      []target           `json:"targets"`
}

// target is one of the goals, met or not.
type target struct {
	Name string  `json:"name"`
	Want string  `json:"want"`
	Got  float64 `json:"got"`
	Pass bool    `json:"pass"`
}

func newReport(cfg config) *report {
	cores, cpu := machine()
	return &report{Date: time.Now().UTC().Format(time.RFC3339), Cores: cores, CPU: cpu, Go: runtime.Version(),
		Plan: cfg.Plan, Users: cfg.Users, Without: cfg.Without}
}

func (r *report) add(res result) { r.Results = append(r.Results, res) }

func (r *report) addFault(v verdict) { r.Faults = append(r.Faults, v) }

func (r *report) get(scenario, bot string) (result, bool) {
	for _, res := range r.Results {
		if res.Scenario == scenario && res.Bot == bot {
			return res, true
		}
	}
	return result{}, false
}

// finish works out the ratios to the floor and checks the targets.
func (r *report) finish() {
	r.Ratios = map[string]float64{}
	ratio := func(name string, a, b float64) {
		if b > 0 {
			r.Ratios[name] = a / b
		}
	}
	for _, sc := range []string{"steady", "max", "storm"} {
		p, ok1 := r.get(sc, "pobratim")
		f, ok2 := r.get(sc, "floor")
		if !ok1 || !ok2 {
			continue
		}
		if sc == "max" {
			ratio("max_throughput", p.Throughput, f.Throughput)
		}
		ratio(sc+"_p50", p.P50, f.P50)
		ratio(sc+"_p99", p.P99, f.P99)
		ratio(sc+"_cpu_per_update", p.CPUPerK, f.CPUPerK)
		ratio(sc+"_peak_rss", p.PeakRSS, f.PeakRSS)
	}
	if len(r.Ratios) == 0 {
		r.Ratios = nil
	}
	if v, ok := r.Ratios["max_throughput"]; ok {
		r.Targets = append(r.Targets, target{Name: "throughput of the mix vs the floor", Want: ">= 0.50", Got: v, Pass: v >= 0.5})
	}
	if p, ok := r.get("steady", "pobratim"); ok {
		r.Targets = append(r.Targets, target{Name: fmt.Sprintf("p99 latency at %.0f/s, ms", p.Offered), Want: "<= 25", Got: p.P99, Pass: p.P99 <= 25 && p.Lost == 0})
	}
	if p, ok := r.get("storm", "pobratim"); ok {
		r.Targets = append(r.Targets,
			target{Name: "RSVP storm: updates lost", Want: "0", Got: float64(p.Lost), Pass: p.Lost == 0},
			target{Name: "RSVP storm: p99 latency, ms", Want: "<= 250", Got: p.P99, Pass: p.P99 <= 250})
	}
	peak := 0.0
	for _, res := range r.Results {
		if res.Bot == "pobratim" {
			peak = max(peak, res.PeakRSS)
		}
	}
	if peak > 0 {
		r.Targets = append(r.Targets, target{Name: fmt.Sprintf("peak resident memory with %d members, MB", r.Plan.Members), Want: "<= 120", Got: peak, Pass: peak <= 120})
	}
	if p, ok := r.get("idle", "pobratim"); ok && p.Seconds > 0 {
		share := p.CPU / p.Seconds * 100
		r.Targets = append(r.Targets, target{Name: "idle CPU, % of a core", Want: "≈ 0 (< 0.5)", Got: share, Pass: share < 0.5})
	}
}

// write prints the readable tables, then the JSON line.
func (r *report) write(w io.Writer) error {
	fmt.Fprintf(w, "\nPobratim load harness — %s, %d cores (%s), %s\n", r.Date, r.Cores, r.CPU, r.Go)
	fmt.Fprintf(w, "database: %d members, %d meetings, %d agreements (%.0f MB, made in %.1f s); %d people in the mix\n",
		r.Plan.Members, r.Plan.Meetings, r.Plan.Agreements, r.DBMB, r.SeedSeconds, r.Users)
	if len(r.Without) > 0 {
		fmt.Fprintf(w, "mix without: %s\n", strings.Join(r.Without, ", "))
	}
	if r.StartSeconds > 0 {
		fmt.Fprintf(w, "bot start: polling %.2f s after exec, %.1f MB resident\n", r.StartSeconds, r.StartRSS)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tbot\toffered/s\tupdates\tanswered\tlost\tdup\terrors\tanswered/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\tCPU s\tCPU ms/1k\tpeak RSS MB\tharness CPU s\t")
	rows := slices.Clone(r.Results)
	for _, v := range r.Faults {
		if v.Result != nil {
			rows = append(rows, *v.Result)
		}
	}
	for _, res := range rows {
		offered := "—"
		if res.Offered > 0 {
			offered = fmt.Sprintf("%.0f", res.Offered)
		}
		errs := 0
		for _, n := range res.Errors {
			errs += n
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%.2f\t%.0f\t%.1f\t%.2f\t\n",
			res.Scenario, res.Bot, offered, res.Updates, res.Answered, res.Lost, res.Duplicates, errs, res.Throughput,
			res.P50, res.P95, res.P99, res.Max, res.CPU, res.CPUPerK, res.PeakRSS, res.HarnessCPU)
	}
	tw.Flush()
	for _, res := range rows {
		if len(res.Errors) > 0 || len(res.Notes) > 0 {
			var parts []string
			for k, n := range res.Errors {
				parts = append(parts, fmt.Sprintf("%s ×%d", k, n))
			}
			parts = append(parts, res.Notes...)
			fmt.Fprintf(w, "  %s/%s: %s\n", res.Scenario, res.Bot, strings.Join(parts, "; "))
		}
	}
	if p, ok := r.get("steady", "pobratim"); ok && len(p.Scripts) > 0 {
		fmt.Fprintln(w, "\nSteady mix by script (pobratim):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "script\tupdates\tanswered\tp50 ms\tp99 ms\tknown replies\t")
		for _, s := range p.Scripts {
			var kinds []string
			for k, n := range s.Kinds {
				kinds = append(kinds, fmt.Sprintf("%s ×%d", k, n))
			}
			slices.Sort(kinds)
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t%s\t\n", s.Name, s.Updates, s.Answered, s.P50, s.P99, strings.Join(kinds, ", "))
		}
		tw.Flush()
	}
	if len(r.Ratios) > 0 {
		fmt.Fprintln(w, "\nPobratim / floor:")
		for _, k := range []string{"max_throughput", "steady_p50", "steady_p99", "steady_cpu_per_update", "steady_peak_rss",
			"max_p99", "max_cpu_per_update", "storm_p50", "storm_p99", "storm_cpu_per_update"} {
			if v, ok := r.Ratios[k]; ok {
				fmt.Fprintf(w, "  %-24s %.2f\n", k, v)
			}
		}
	}
	if len(r.Targets) > 0 {
		fmt.Fprintln(w, "\nTargets:")
		for _, t := range r.Targets {
			fmt.Fprintf(w, "  %-4s %-48s want %-12s got %.2f\n", passFail(t.Pass), t.Name, t.Want, t.Got)
		}
	}
	if len(r.Faults) > 0 {
		fmt.Fprintln(w, "\nFaults:")
		for _, v := range r.Faults {
			fmt.Fprintf(w, "  %-4s %-16s %s\n", passFail(v.Pass), v.Name, v.Details)
		}
	}
	fmt.Fprintln(w)
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", line)
	return err
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}
