package bot

import "sync"

// maxUploads bounds the file ids kept: a locator map for each place in
// each language is far fewer, and an id is a short string.
const maxUploads = 8192

// uploads remembers the ids Telegram gave uploaded files, by the key the
// handler named their content with, so that the same content is sent again
// without drawing or uploading it. When full, the oldest half is forgotten.
type uploads struct {
	mu    sync.Mutex
	max   int
	ids   map[string]string
	order []string
}

func newUploads(max int) *uploads {
	return &uploads{max: max, ids: map[string]string{}}
}

func (u *uploads) get(key string) (string, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	id, ok := u.ids[key]
	return id, ok
}

func (u *uploads) put(key, id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.ids[key]; !ok {
		u.order = append(u.order, key)
	}
	u.ids[key] = id
	if len(u.order) > u.max {
		old := u.order[:len(u.order)/2]
		for _, k := range old {
			delete(u.ids, k)
		}
		u.order = append([]string(nil), u.order[len(old):]...)
	}
}

func (u *uploads) forget(key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.ids, key) // its place in order goes with the next trim
}
