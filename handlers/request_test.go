package handlers

import "testing"

func TestColumns(t *testing.T) {
	b := func(n int) []Button { return make([]Button, n) }
	for _, tt := range []struct{ n, cols, rows, last int }{{0, 2, 0, 0}, {1, 2, 1, 1}, {2, 2, 1, 2}, {5, 2, 3, 1}, {11, 2, 6, 1}} {
		rows := Columns(b(tt.n), tt.cols)
		if len(rows) != tt.rows || (tt.rows > 0 && len(rows[len(rows)-1]) != tt.last) {
			t.Errorf("Columns(%d, %d) = %d rows", tt.n, tt.cols, len(rows))
		}
		for _, r := range rows[:max(0, len(rows)-1)] {
			if len(r) != tt.cols {
				t.Errorf("Columns(%d, %d): a full row of %d", tt.n, tt.cols, len(r))
			}
		}
	}
	// Rows must not share capacity: appending to one must not overwrite the next.
	rows := Columns([]Button{{Text: "a"}, {Text: "b"}, {Text: "c"}}, 2)
	_ = append(rows[0], Button{Text: "x"})
	if rows[1][0].Text != "c" {
		t.Fatal("rows share their backing array")
	}
}
