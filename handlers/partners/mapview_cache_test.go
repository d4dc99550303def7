package partners

import (
	"bytes"
	"context"
	"testing"

	"github.com/pobratim/pobratim/handlers/partners/maps"
)

func TestLocatorIsKeptAndBounded(t *testing.T) {
	ctx := context.Background()
	p := maps.Point{Lat: 55.19, Lon: 30.2, Label: "Віцебск"}
	first, err := Locator(ctx, p, "be")
	if err != nil {
		t.Fatal(err)
	}
	again, err := Locator(ctx, p, "be")
	if err != nil || !bytes.Equal(first, again) || &first[0] != &again[0] {
		t.Fatal("the second locator of the same place was drawn again")
	}
	c := &pngCache{max: 2, byKey: map[string][]byte{}}
	c.put("a", []byte{1})
	c.put("b", []byte{2})
	c.put("c", []byte{3})
	if _, ok := c.get("a"); ok || len(c.byKey) != 2 {
		t.Fatalf("cache kept %d pictures, the oldest too", len(c.byKey))
	}
}
