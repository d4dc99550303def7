package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync/atomic"
	"time"
)

// observer is told what passes through the proxy.
type observer interface {
	// handedOut is called just before a getUpdates answer carrying the
	// updates ids is written to the bot.
	handedOut(ids []int64, at time.Time)
	// answered is called when the server has answered an
	// answerCallbackQuery call for queryID; ok is false for an error answer.
	answered(queryID string, at time.Time, ok bool)
}

// proxy sits between the bot and the fake Bot API server and notes when
// updates are handed to the bot and when button presses are answered: the
// fake server records sent messages itself, but not these two moments.
type proxy struct {
	target string // the fake server's base URL
	client *http.Client
	obs    observer
	srv    *http.Server
	ln     net.Listener

	polls atomic.Int64 // getUpdates calls, to tell a backing-off bot from a spinning one
	calls atomic.Int64 // every call
}

func newProxy(target string, obs observer) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy: listen: %w", err)
	}
	p := &proxy{
		target: strings.TrimSuffix(target, "/"),
		client: &http.Client{Transport: &http.Transport{
			MaxIdleConns:        512,
			MaxIdleConnsPerHost: 512,
			IdleConnTimeout:     time.Minute,
		}},
		obs: obs,
		ln:  ln,
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln)
	return p, nil
}

// URL is the address the bot is given as TELEGRAM_API_URL.
func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) close() { p.srv.Close() }

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.calls.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the bot went away
	}
	method := path.Base(r.URL.Path)
	if method == "getUpdates" {
		p.polls.Add(1)
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out.Header = r.Header.Clone()
	resp, err := p.client.Do(out)
	if err != nil {
		// The server dropped the connection (an outage) or the bot gave
		// up: drop the bot's connection the same way.
		panic(http.ErrAbortHandler)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	switch method {
	case "getUpdates":
		if resp.StatusCode == http.StatusOK {
			if ids := updateIDs(answer); len(ids) > 0 {
				p.obs.handedOut(ids, time.Now())
			}
		}
	case "answerCallbackQuery":
		if id := formValue(r.Header.Get("Content-Type"), body, "callback_query_id"); id != "" {
			p.obs.answered(id, time.Now(), resp.StatusCode == http.StatusOK)
		}
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

// updateIDs reads the update ids of a getUpdates answer.
func updateIDs(answer []byte) []int64 {
	var res struct {
		Result []struct {
			ID int64 `json:"update_id"`
		} `json:"result"`
	}
	if json.Unmarshal(answer, &res) != nil {
		return nil
	}
	ids := make([]int64, len(res.Result))
	for i, u := range res.Result {
		ids[i] = u.ID
	}
	return ids
}

// formValue returns a field of a Bot API call's body: multipart, as
// go-telegram/bot sends it, or URL-encoded.
func formValue(contentType string, body []byte, name string) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	switch mt {
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) || err != nil {
				return ""
			}
			if part.FormName() == name {
				v, _ := io.ReadAll(io.LimitReader(part, 1024))
				return string(v)
			}
		}
	case "application/x-www-form-urlencoded":
		q, _ := url.ParseQuery(string(body))
		return q.Get(name)
	}
	return ""
}
