package telegramtest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxRequestBody caps a request: Telegram takes uploads of up to 50 MB, the rest of
// the form is small.
const maxRequestBody = 50<<20 + 1<<20

// upload is a file part of a request.
type upload struct {
	name        string
	contentType string
	data        []byte
}

// request is a decoded Bot API call: the plain form fields and the uploaded files.
type request struct {
	token  string
	fields map[string]string
	files  map[string]upload
}

// parseRequest reads the parameters of a call the way the Bot API accepts them: from
// the query string and from a multipart, URL-encoded or JSON body.
func parseRequest(r *http.Request) (*request, *apiError) {
	req := &request{fields: map[string]string{}}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			req.fields[k] = v[0]
		}
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" || r.Body == nil || r.Body == http.NoBody {
		return req, nil
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, badRequest("can't parse Content-Type")
	}
	body := http.MaxBytesReader(nil, r.Body, maxRequestBody)
	tooLarge := func(err error) bool {
		var mbe *http.MaxBytesError
		return errors.As(err, &mbe)
	}
	switch mediaType {
	case "multipart/form-data":
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				if tooLarge(err) {
					return nil, &apiError{code: http.StatusRequestEntityTooLarge, desc: "Request Entity Too Large"}
				}
				return nil, badRequest("can't parse multipart form: %v", err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				if tooLarge(err) {
					return nil, &apiError{code: http.StatusRequestEntityTooLarge, desc: "Request Entity Too Large"}
				}
				return nil, badRequest("can't read multipart form: %v", err)
			}
			if part.FileName() != "" {
				if req.files == nil {
					req.files = map[string]upload{}
				}
				req.files[part.FormName()] = upload{
					name:        part.FileName(),
					contentType: part.Header.Get("Content-Type"),
					data:        data,
				}
				continue
			}
			req.fields[part.FormName()] = string(data)
		}
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, badRequest("can't read request body")
		}
		values, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, badRequest("can't parse request body")
		}
		for k, v := range values {
			if len(v) > 0 {
				req.fields[k] = v[0]
			}
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.NewDecoder(body).Decode(&obj); err != nil {
			return nil, badRequest("can't parse JSON request body")
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				req.fields[k] = str
			} else {
				req.fields[k] = string(raw)
			}
		}
	}
	return req, nil
}

func (r *request) str(name string) string { return r.fields[name] }

func (r *request) has(name string) bool {
	_, ok := r.fields[name]
	return ok
}

// int64Field parses an integer field; ok is false when the field is absent or empty.
func (r *request) int64Field(name string) (n int64, ok bool, e *apiError) {
	v := strings.TrimSpace(r.fields[name])
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, badRequest("invalid %s specified", name)
	}
	return n, true, nil
}

func (r *request) floatField(name string) (f float64, ok bool, e *apiError) {
	v := strings.TrimSpace(r.fields[name])
	if v == "" {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, false, badRequest("invalid %s specified", name)
	}
	return f, true, nil
}

func (r *request) boolField(name string) bool {
	switch strings.ToLower(strings.TrimSpace(r.fields[name])) {
	case "true", "1", "yes":
		return true
	}
	return false
}
