package state_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pobratim/pobratim/store/state"
)

// A dialog step reads the chat's dialog, decides, and writes it back with
// compare-and-set: if another update of the same chat got there first, the
// write fails with ErrConflict and the step is taken again on fresh state.
func ExampleMemory_PutDialog() {
	ctx := context.Background()
	s := state.NewMemory(time.Now)
	defer s.Close()
	const chat = 42

	d, err := s.PutDialog(ctx, chat, state.Dialog{Flow: "meeting.new", Step: "city"}, 30*time.Minute)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Flow, d.Step, d.Version)

	// A quick second tap on an old button still carries version 1.
	stale := d

	d.Step = "date"
	d.Data = map[string]string{"city": "Віцебск"}
	if d, err = s.PutDialog(ctx, chat, d, 30*time.Minute); err != nil {
		panic(err)
	}
	fmt.Println(d.Step, d.Data["city"], d.Version)

	stale.Step = "date"
	_, err = s.PutDialog(ctx, chat, stale, 30*time.Minute)
	fmt.Println(errors.Is(err, state.ErrConflict))
	// Output:
	// meeting.new city 1
	// date Віцебск 2
	// true
}

// A throttle of 20 events a minute (Telegram's limit for a group): 20 at
// once, then one every 3 seconds.
func ExampleMemory_Allow() {
	ctx := context.Background()
	s := state.NewMemory(time.Now)
	defer s.Close()
	group := state.Rate{Per: time.Minute, Burst: 20}

	sent := 0
	for range 25 {
		if ok, _, _ := s.Allow(ctx, "group:-100123", group); ok {
			sent++
		}
	}
	_, retry, _ := s.Allow(ctx, "group:-100123", group)
	fmt.Println(sent, retry > 2*time.Second && retry <= 3*time.Second)
	// Output: 20 true
}
