package maps

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"
)

// encodePNG writes an opaque image as an 8-bit RGB PNG with every row
// filtered by its difference from the row above ("Up"). image/png tries
// all five filters on every row, which takes about half of a map's
// rendering time; a map is mostly flat colour, which Up alone compresses
// about as well.
func encodePNG(w io.Writer, img *image.RGBA) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\x89PNG\r\n\x1a\n")
	b := img.Bounds()
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(b.Dx()))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(b.Dy()))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, truecolour
	writeChunk(bw, "IHDR", ihdr[:])

	idat := &chunkWriter{w: bw, kind: "IDAT"}
	zw, err := zlib.NewWriterLevel(idat, zlib.BestSpeed)
	if err != nil {
		return err
	}
	width := b.Dx()
	cur := make([]byte, 1+3*width)
	prev := make([]byte, 1+3*width)
	out := make([]byte, 1+3*width)
	out[0] = 2 // Up
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):]
		for x := 0; x < width; x++ {
			cur[1+3*x], cur[2+3*x], cur[3+3*x] = row[4*x], row[4*x+1], row[4*x+2]
		}
		for i := 1; i < len(cur); i++ {
			out[i] = cur[i] - prev[i]
		}
		if _, err := zw.Write(out); err != nil {
			return err
		}
		cur, prev = prev, cur
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := idat.flush(); err != nil {
		return err
	}
	writeChunk(bw, "IEND", nil)
	return bw.Flush()
}

func writeChunk(w *bufio.Writer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	w.WriteString(kind)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

// chunkWriter cuts what is written into chunks of at most 64 KiB.
type chunkWriter struct {
	w    *bufio.Writer
	kind string
	buf  []byte
}

const chunkSize = 64 << 10

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), chunkSize-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == chunkSize {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	writeChunk(c.w, c.kind, c.buf)
	c.buf = c.buf[:0]
	return nil
}
