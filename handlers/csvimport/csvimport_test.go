package csvimport

import (
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	in := "\ufeffName, Count\nVitebsk,3\n,5\n\"broken,1\nlast,x\n"
	var names []string
	var cols []string
	errs, err := Read(strings.NewReader(in), []string{"name"}, func(r Row) []string {
		cols = r.Columns
		if r.Get("name") == "" {
			return []string{"name is empty"}
		}
		names = append(names, r.Get("name")+"@"+r.Get("count")+"@"+r.Get("missing"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cols, ",") != "name,count" {
		t.Errorf("columns %v", cols)
	}
	if len(errs) != 2 || errs[0].Line != 3 || errs[0].Reason != "name is empty" || errs[1].Line != 4 {
		t.Errorf("errors %+v", errs)
	}
	if strings.Join(names, " ") != "Vitebsk@3@" {
		t.Errorf("rows %v", names)
	}
	if _, err := Read(strings.NewReader("a,b\n"), []string{"name"}, nil); err == nil || !strings.Contains(err.Error(), `"name"`) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := Read(strings.NewReader(""), nil, nil); err == nil {
		t.Error("empty file accepted")
	}
}
