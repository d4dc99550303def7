package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Import paths of the programs the harness builds and runs.
const (
	botPackage   = "github.com/pobratim/pobratim/cmd/pobratim"
	floorPackage = "github.com/pobratim/pobratim/cmd/pobratim-load/floor"
)

// pprofHook is compiled into the bot only when profiling is asked for, by
// go build -overlay, so the bot's own sources stay as they are. It serves
// net/http/pprof on POBRATIM_LOAD_PPROF.
const pprofHook = `package main

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	if addr := os.Getenv("POBRATIM_LOAD_PPROF"); addr != "" {
		go http.ListenAndServe(addr, nil)
	}
}
`

// buildOptions say how the programs under test are compiled.
type buildOptions struct {
	Race  bool // -race, to share the build cache of go test -race
	PProf bool // the bot serves net/http/pprof
}

// build compiles pkg into dir and returns the binary's path.
func build(ctx context.Context, dir, pkg, name string, opts buildOptions) (string, error) {
	out := filepath.Join(dir, name)
	args := []string{"build", "-o", out}
	if opts.Race {
		args = append(args, "-race")
	}
	if opts.PProf && pkg == botPackage {
		overlay, err := pprofOverlay(ctx, dir)
		if err != nil {
			return "", err
		}
		args = append(args, "-overlay", overlay)
	}
	args = append(args, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return out, nil
}

// pprofOverlay writes the go build -overlay file that adds pprofHook to the
// bot's main package.
func pprofOverlay(ctx context.Context, dir string) (string, error) {
	src, err := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", botPackage).Output()
	if err != nil {
		return "", fmt.Errorf("locate %s: %w", botPackage, err)
	}
	hook := filepath.Join(dir, "zz_load_pprof.go")
	if err := os.WriteFile(hook, []byte(pprofHook), 0o644); err != nil {
		return "", fmt.Errorf("write pprof hook: %w", err)
	}
	target := filepath.Join(strings.TrimSpace(string(src)), "zz_load_pprof.go")
	overlay := filepath.Join(dir, "overlay.json")
	body := fmt.Sprintf(`{"Replace":{%q:%q}}`, target, hook)
	if err := os.WriteFile(overlay, []byte(body), 0o644); err != nil {
		return "", fmt.Errorf("write overlay: %w", err)
	}
	return overlay, nil
}

// process is a child program: the bot, the floor bot or redis-server.
type process struct {
	name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// start runs bin with args and env (added to a minimal environment), its
// output appended to logPath.
func start(name, bin string, args, env []string, logPath string) (*process, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: open log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group: a Ctrl-C in the terminal reaches the harness,
	// which then stops its children in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("%s: start: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: log, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	return p, nil
}

// pid returns the process id.
func (p *process) pid() int { return p.cmd.Process.Pid }

// alive reports whether the process is still running.
func (p *process) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// stop asks the process to end with SIGTERM and waits up to grace, then
// kills it. It returns the exit error of a process that did not end
// cleanly.
func (p *process) stop(grace time.Duration) error {
	if !p.alive() {
		return p.err
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(grace):
		p.kill()
		return fmt.Errorf("%s: still running %v after SIGTERM, killed", p.name, grace)
	}
}

// kill ends the process with SIGKILL and waits for it.
func (p *process) kill() {
	if !p.alive() {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// usage is what a process has consumed, from /proc.
type usage struct {
	CPU  time.Duration // user + system time
	RSS  int64         // resident set now, bytes
	Peak int64         // peak resident set since start or resetPeak, bytes
}

// clockTick is USER_HZ, the unit of the times in /proc/<pid>/stat; it is
// 100 on every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// usage reads the CPU time and memory of the process.
func (p *process) usage() (usage, error) {
	var u usage
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid()))
	if err != nil {
		return u, fmt.Errorf("%s: read stat: %w", p.name, err)
	}
	// The command name (field 2) may contain spaces; fields after it are
	// numbered from the closing parenthesis: state is field 3, utime 14,
	// stime 15.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return u, fmt.Errorf("%s: malformed stat", p.name)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return u, fmt.Errorf("%s: malformed stat", p.name)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return u, fmt.Errorf("%s: stat times: %w", p.name, err)
	}
	u.CPU = time.Duration(utime+stime) * clockTick

	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid()))
	if err != nil {
		return u, fmt.Errorf("%s: read status: %w", p.name, err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var dst *int64
		switch key {
		case "VmRSS":
			dst = &u.RSS
		case "VmHWM":
			dst = &u.Peak
		default:
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return u, fmt.Errorf("%s: status %s: %w", p.name, key, err)
		}
		*dst = kb * 1024
	}
	return u, nil
}

// resetPeak starts a new peak resident set measurement (VmHWM), so that
// each scenario reports its own peak.
func (p *process) resetPeak() error {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.pid()), []byte("5"), 0); err != nil {
		return fmt.Errorf("%s: reset peak RSS: %w", p.name, err)
	}
	return nil
}

// selfCPU is the CPU time of the harness itself.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
