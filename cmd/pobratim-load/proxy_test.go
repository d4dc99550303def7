package main

import (
	"bytes"
	"mime/multipart"
	"slices"
	"testing"
)

func TestUpdateIDs(t *testing.T) {
	got := updateIDs([]byte(`{"ok":true,"result":[{"update_id":7,"message":{}},{"update_id":9,"callback_query":{}}]}`))
	if !slices.Equal(got, []int64{7, 9}) {
		t.Errorf("updateIDs = %v", got)
	}
	if got := updateIDs([]byte(`<html>502</html>`)); got != nil {
		t.Errorf("updateIDs of HTML = %v", got)
	}
}

func TestFormValue(t *testing.T) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("text", "ok")
	w.WriteField("callback_query_id", "42-1")
	w.Close()
	if got := formValue(w.FormDataContentType(), body.Bytes(), "callback_query_id"); got != "42-1" {
		t.Errorf("multipart: %q", got)
	}
	if got := formValue("application/x-www-form-urlencoded", []byte("a=1&callback_query_id=7-2"), "callback_query_id"); got != "7-2" {
		t.Errorf("urlencoded: %q", got)
	}
	if got := formValue("application/json", []byte(`{}`), "callback_query_id"); got != "" {
		t.Errorf("json: %q", got)
	}
}
