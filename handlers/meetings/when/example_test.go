package when_test

import (
	"fmt"
	"time"

	"github.com/pobratim/pobratim/handlers/meetings/when"
)

func ExampleParse() {
	minsk, _ := time.LoadLocation("Europe/Minsk")
	now := time.Date(2026, 11, 26, 21, 0, 0, 0, minsk)

	r, err := when.Parse("25 снежня а 15:00 Мінскі гарвыканкам", now, minsk)
	fmt.Println(r.At.Format("2006-01-02 15:04"), r.HasTime, r.Lang, r.Rest, err)

	r, err = when.Parse("завтра в 5", now, minsk)
	fmt.Println(r.At.IsZero(), r.Ambiguous[0].Format("15:04"), r.Ambiguous[1].Format("15:04"), err)

	_, err = when.Parse("сегодня в 18", now, minsk)
	fmt.Println(err)
	// Output:
	// 2026-12-25 15:00 true be Мінскі гарвыканкам <nil>
	// true 05:00 17:00 <nil>
	// when: moment is in the past
}
