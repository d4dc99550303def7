package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/store"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"run"}, nil, "TELEGRAM_BOT_TOKEN"},
		{[]string{"console"}, map[string]string{"POBRATIM_ADMINS": "12,abc"}, "POBRATIM_ADMINS"},
		{[]string{"console", "-admins", "-5"}, nil, "POBRATIM_ADMINS"},
		{[]string{"console"}, map[string]string{"TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL"},
		{[]string{"console"}, map[string]string{"REDIS_URL": "http://x"}, "REDIS_URL"},
		{[]string{"console"}, map[string]string{"POBRATIM_LOG": "xml"}, "POBRATIM_LOG"},
		{[]string{"backup"}, nil, "backup"},
		{[]string{"console"}, map[string]string{"POBRATIM_REMINDER_LEADS": "soon"}, "POBRATIM_REMINDER_LEADS"},
		{[]string{"console"}, map[string]string{"POBRATIM_WEBHOOK_URL": "https://bot.example.org/tg"}, "POBRATIM_WEBHOOK_SECRET"},
		{[]string{"console"}, map[string]string{"POBRATIM_WEBHOOK_URL": "https://bot.example.org/tg", "POBRATIM_WEBHOOK_SECRET": "has space"}, "POBRATIM_WEBHOOK_SECRET"},
		{[]string{"console"}, map[string]string{"POBRATIM_WEBHOOK_URL": "ftp://x", "POBRATIM_WEBHOOK_SECRET": "s"}, "POBRATIM_WEBHOOK_URL"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		code := run(context.Background(), tt.args, env(tt.env), strings.NewReader(""), &bytes.Buffer{}, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want an error naming %s", tt.args, tt.env, code, stderr.String(), tt.want)
		}
		if strings.Count(strings.TrimSpace(stderr.String()), "\n") > 0 {
			t.Errorf("%v: error is more than one line: %q", tt.args, stderr.String())
		}
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	c, err := parseConfig([]string{"console", "-db", "flag.db", "-admins", "1, 2"},
		env(map[string]string{"POBRATIM_DB": "env.db", "POBRATIM_ADMINS": "9"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "flag.db" || len(c.Admins) != 2 || c.Admins[1] != 2 {
		t.Fatalf("config = %+v", c)
	}
}

func TestUnknownCommandShowsUsage(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, env(nil), nil, &bytes.Buffer{}, &stderr); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "console") {
		t.Fatalf("no usage: %q", stderr.String())
	}
}

// The console serves the real bot: a scripted conversation gets the same
// answers a Telegram user would, buttons included, and the member lands in
// the SQLite file.
func TestConsoleConversation(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "console.db")
	in := strings.NewReader("/start\n2\n/help\n/nosuch\n")
	var out, stderr bytes.Buffer
	code := run(context.Background(), []string{"console", "-db", dbPath, "-lang", "ru", "-name", "Алесь"},
		env(nil), in, &out, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := out.String()
	for _, want := range []string{
		"Здравствуйте, Алесь!",            // /start in Russian
		"[1] Русский   [2] Беларуская",    // buttons as numbered choices
		"Цяпер я размаўляю па-беларуску.", // "2" pressed the Belarusian button
		"Вось што я ўмею:",                // /help now in Belarusian
		"/nosuch",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console output lacks %q:\n%s", want, got)
		}
	}
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.Member(context.Background(), 1)
	if err != nil || m.Language != "be" || !m.LanguageChosen {
		t.Fatalf("console member = %+v, %v", m, err)
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"backup", "-db", src, dst}, env(nil), nil, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("backup exit %d: %s", code, stderr.String())
	}
	db, err := store.Open(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// The rows below are test fixtures, not real agreements.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	good := filepath.Join(dir, "agreements.csv")
	os.WriteFile(good, []byte("party_a,party_b,stage,signed_on,title,areas\n"+
		"Витебск,Смоленск,twinning,2019-05-15,Test fixture agreement,culture;tourism\n"), 0o600)
	var out, stderr bytes.Buffer
	if code := run(context.Background(), []string{"import", "-db", db, "agreements", good}, env(nil), nil, &out, &stderr); code != 0 {
		t.Fatalf("import agreements: exit %d, %s %s", code, out.String(), stderr.String())
	}
	if !strings.Contains(out.String(), "imported 1 agreements") {
		t.Fatalf("output %q", out.String())
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("country,name_ru,oktmo\nXX,Район,123\n"), 0o600)
	out.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"import", "-db", db, "municipalities", bad}, env(nil), nil, &out, &stderr); code == 0 {
		t.Fatal("a bad file imported")
	}
	if !strings.Contains(out.String(), "bad.csv:2: ") || !strings.Contains(stderr.String(), "nothing was imported") {
		t.Fatalf("bad rows not reported by line: %q %q", out.String(), stderr.String())
	}
	if code := run(context.Background(), []string{"import", "-db", db, "members", bad}, env(nil), nil, &out, &stderr); code != 2 {
		t.Fatalf("unknown registry: exit %d", code)
	}
}
