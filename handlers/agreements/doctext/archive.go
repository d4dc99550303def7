package doctext

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// sniffZip tells a docx from an odt from any other zip by the entry names,
// reading only the central directory.
func sniffZip(data []byte) kind {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return kindZip
	}
	names := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		names[f.Name] = f
	}
	if _, ok := names["word/document.xml"]; ok {
		return kindDOCX
	}
	if f, ok := names["mimetype"]; ok && f.UncompressedSize64 < 200 {
		if rc, err := f.Open(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, 200))
			rc.Close()
			mt := strings.TrimSpace(string(b))
			switch {
			case mt == "application/vnd.oasis.opendocument.text":
				return kindODT
			case strings.HasPrefix(mt, "application/vnd.oasis.opendocument."):
				return kindOtherOffice
			}
		}
	}
	if _, ok := names["content.xml"]; ok {
		if _, ok := names["META-INF/manifest.xml"]; ok {
			return kindODT
		}
	}
	if _, ok := names["[Content_Types].xml"]; ok {
		return kindOtherOffice // xlsx, pptx
	}
	return kindZip
}

// archive opens a docx/odt zip with the entry-count and decompression caps
// applied to everything read from it.
type archive struct {
	files  map[string]*zip.File
	budget int64 // decompressed bytes still allowed
	ctx    context.Context
}

func openArchive(ctx context.Context, data []byte, lim Limits) (*archive, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: zip: %v", ErrCorrupt, err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: %d entries, limit %d", ErrZipBomb, len(zr.File), lim.MaxEntries)
	}
	a := &archive{files: make(map[string]*zip.File, len(zr.File)), budget: lim.MaxUnzipped, ctx: ctx}
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		a.files[f.Name] = f
	}
	if declared > uint64(lim.MaxUnzipped) {
		return nil, fmt.Errorf("%w: declares %d bytes, limit %d", ErrZipBomb, declared, lim.MaxUnzipped)
	}
	return a, nil
}

// open returns a reader over one entry that fails with ErrZipBomb once the
// archive's decompression budget is spent, whatever the header claims, and
// with ErrTimeout once ctx is done. ok is false when the entry is absent.
func (a *archive) open(name string) (io.ReadCloser, bool, error) {
	f, ok := a.files[name]
	if !ok {
		return nil, false, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, true, fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
	}
	return &budgetReader{rc: rc, a: a}, true, nil
}

type budgetReader struct {
	rc io.ReadCloser
	a  *archive
}

var errBudget = errors.New("decompression budget exceeded")

func (r *budgetReader) Read(p []byte) (int, error) {
	if err := r.a.ctx.Err(); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	if r.a.budget <= 0 {
		return 0, fmt.Errorf("%w: %v", ErrZipBomb, errBudget)
	}
	if int64(len(p)) > r.a.budget {
		p = p[:r.a.budget+1] // one byte more proves the budget is exceeded
	}
	n, err := r.rc.Read(p)
	r.a.budget -= int64(n)
	if r.a.budget < 0 {
		return n, fmt.Errorf("%w: %v", ErrZipBomb, errBudget)
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return n, err
}

func (r *budgetReader) Close() error { return r.rc.Close() }

// xmlErr maps an error out of encoding/xml reading a budgetReader: budget
// and timeout errors pass through, anything else is a corrupt document.
func xmlErr(part string, err error) error {
	if isSentinel(err) {
		return err
	}
	return fmt.Errorf("%w: %s: %v", ErrCorrupt, part, err)
}
