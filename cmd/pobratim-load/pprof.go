package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"
)

// profile records the bot's CPU profile for d in the background, into
// cpu-<scenario>.pprof in the work directory, when the bot was built with
// -pprof. Read it with go tool pprof -top.
func (h *harness) profile(rg *rig, scenario string, d time.Duration) {
	if h.pprofAddr == "" || rg.name != "pobratim" {
		return
	}
	secs := max(int(d.Seconds()), 1)
	go h.profileSelf(scenario, time.Duration(secs)*time.Second)
	path := filepath.Join(h.dir, "cpu-"+scenario+".pprof")
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", h.pprofAddr, secs)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			h.progress("profile %s: %v", scenario, err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(path)
		if err != nil {
			h.progress("profile %s: %v", scenario, err)
			return
		}
		defer f.Close()
		if _, err := io.Copy(f, resp.Body); err != nil {
			h.progress("profile %s: %v", scenario, err)
			return
		}
		h.progress("profile of %s written to %s", scenario, path)
	}()
}

// profileSelf records the harness's own CPU profile for d, into
// harness-cpu-<scenario>.pprof: the harness shares the cores with the bot,
// and what it spends the bot cannot.
func (h *harness) profileSelf(scenario string, d time.Duration) {
	path := filepath.Join(h.dir, "harness-cpu-"+scenario+".pprof")
	f, err := os.Create(path)
	if err != nil {
		h.progress("profile of the harness: %v", err)
		return
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		h.progress("profile of the harness: %v", err)
		return
	}
	time.Sleep(d)
	pprof.StopCPUProfile()
}

// dumpGoroutines saves the bot's goroutines two seconds from now, into
// goroutines-<label>.txt, when the bot was built with -pprof: what a stuck
// bot waits for.
func (h *harness) dumpGoroutines(label string) {
	if h.pprofAddr == "" {
		return
	}
	path := filepath.Join(h.dir, "goroutines-"+label+".txt")
	url := fmt.Sprintf("http://%s/debug/pprof/goroutine?debug=1", h.pprofAddr)
	time.AfterFunc(2*time.Second, func() {
		resp, err := http.Get(url)
		if err != nil {
			return // the bot may be down on purpose
		}
		defer resp.Body.Close()
		if f, err := os.Create(path); err == nil {
			io.Copy(f, resp.Body)
			f.Close()
		}
	})
}
