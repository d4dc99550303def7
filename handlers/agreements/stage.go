package agreements

import (
	"slices"
	"strings"

	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/store"
)

// stageWords name a stage in an agreement's title, in Russian, Belarusian
// and English; the first stage whose words the title has wins.
var stageWords = []struct {
	stage string
	words []string
}{
	{store.StageIntent, []string{"намерени", "намер", "intent"}},
	{store.StageProgramme, []string{"программ", "праграм", "programme", "program", "plan of"}},
	{store.StageTwinning, []string{"побратим", "пабрацім", "twin", "sister cit"}},
	{store.StageFriendship, []string{"дружб", "сяброўств", "friendship"}},
}

// stageOf guesses an agreement's stage from its title: a cooperation
// agreement unless the title says otherwise.
func stageOf(title string) string {
	lower := strings.ToLower(title)
	for _, s := range stageWords {
		for _, w := range s.words {
			if strings.Contains(lower, w) {
				return s.stage
			}
		}
	}
	return store.StageAgreement
}

func isStage(s string) bool  { return slices.Contains(store.Stages, s) }
func isStatus(s string) bool { return slices.Contains(store.Statuses, s) }
func isArea(s string) bool   { return slices.Contains(partners.Areas, s) }

// areaKeys are the areas of cooperation in the order they are offered.
func areaKeys() []string { return partners.Areas }

// sortAreas puts area keys in the order they are offered.
func sortAreas(list []string) []string {
	slices.SortFunc(list, func(a, b string) int {
		return slices.Index(partners.Areas, a) - slices.Index(partners.Areas, b)
	})
	return list
}
