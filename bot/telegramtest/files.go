package telegramtest

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // register decoders for photo dimensions
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// maxDownload is the size of the largest file a bot may download.
const maxDownload = 20 << 20

// storedFile is a file the server holds, uploaded by the bot or sent by a user.
type storedFile struct {
	id       string
	uniqueID string
	path     string
	name     string
	mime     string
	data     []byte
}

// storeFile keeps a file and gives it a file_id and a file_path. The caller holds s.mu.
func (s *Server) storeFile(kind, name, mimeType string, data []byte) *storedFile {
	s.nextFile++
	n := s.nextFile
	ext := path.Ext(name)
	if kind == "photos" && ext == "" {
		ext = ".jpg"
	}
	if mimeType == "" || mimeType == "application/octet-stream" {
		if t := mime.TypeByExtension(ext); t != "" {
			mimeType, _, _ = strings.Cut(t, ";")
		} else if mimeType == "" {
			mimeType = "application/octet-stream"
		}
	}
	f := &storedFile{
		id:       fmt.Sprintf("BQACAgIAAxkBAAI%06dZ", n),
		uniqueID: fmt.Sprintf("AgAD%06d", n),
		path:     fmt.Sprintf("%s/file_%d%s", kind, n, ext),
		name:     name,
		mime:     mimeType,
		data:     data,
	}
	s.files[f.id] = f
	s.paths[f.path] = f
	return f
}

// imageSize returns the dimensions of a JPEG, PNG or GIF image, or zeros.
func imageSize(data []byte) (int, int) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

func (s *Server) getFile(req *request) (any, *apiError) {
	f := s.files[req.str("file_id")]
	if f == nil {
		return nil, badRequest("invalid file_id")
	}
	if len(f.data) > maxDownload {
		return nil, badRequest("file is too big")
	}
	return struct {
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileSize     int64  `json:"file_size"`
		FilePath     string `json:"file_path"`
	}{f.id, f.uniqueID, int64(len(f.data)), f.path}, nil
}

// serveFile serves GET /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	token, filePath, ok := strings.Cut(rest, "/")
	if !ok || token == "" {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	s.mu.Lock()
	s.seeToken(token)
	s.mu.Unlock()
	if s.suffer(w, r) {
		return
	}
	s.mu.Lock()
	f := s.paths[filePath]
	s.mu.Unlock()
	if f == nil {
		writeError(w, &apiError{code: http.StatusNotFound, desc: "Not Found"})
		return
	}
	w.Header().Set("Content-Type", f.mime)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.data)
	}
}

// File returns the name and content of a stored file by its file_id: one a user sent
// or one the bot uploaded. The content is shared and must not be modified.
func (s *Server) File(fileID string) (name string, data []byte, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[fileID]
	if f == nil {
		return "", nil, false
	}
	return f.name, f.data, true
}
