package partners

// Areas are the areas of cooperation members declare and filter by, in the
// order they are offered. Their names are the locales messages "area.<key>".
var Areas = []string{
	"tourism", "economy", "industry", "education", "healthcare",
	"culture", "youth_sport", "urban", "agriculture", "transport",
}

// areaIndex returns the position of key in Areas, or -1.
func areaIndex(key string) int {
	for i, a := range Areas {
		if a == key {
			return i
		}
	}
	return -1
}
