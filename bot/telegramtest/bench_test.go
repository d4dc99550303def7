package telegramtest_test

import (
	"context"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/pobratim/pobratim/bot/telegramtest"
)

// BenchmarkSendMessage measures one sendMessage round trip of the real client through
// the fake server, the floor under any load benchmark of the bot.
func BenchmarkSendMessage(b *testing.B) {
	s := telegramtest.NewServer()
	defer s.Close()
	bot, err := tg.New(token, tg.WithServerURL(s.URL()), tg.WithSkipGetMe())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	params := &tg.SendMessageParams{
		ChatID:    ivan.ID,
		Text:      "<b>Витебск</b> — Смоленск",
		ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Да", CallbackData: "p:1:yes"}, {Text: "Нет", CallbackData: "p:1:no"}},
		}},
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := bot.SendMessage(ctx, params); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateToReply measures an injected message travelling through long polling
// to a handler whose reply is then seen by WaitCount.
func BenchmarkUpdateToReply(b *testing.B) {
	s := telegramtest.NewServer()
	defer s.Close()
	bot, err := tg.New(token, tg.WithServerURL(s.URL()), tg.WithSkipGetMe(),
		tg.WithDefaultHandler(func(ctx context.Context, bot *tg.Bot, upd *models.Update) {
			if upd.Message != nil {
				_, _ = bot.SendMessage(ctx, &tg.SendMessageParams{ChatID: upd.Message.Chat.ID, Text: "ok"})
			}
		}))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		bot.Start(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	wait, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	b.ResetTimer()
	for b.Loop() {
		seq := s.LastSeq()
		s.SendText(ivan, "/start")
		if _, err := s.WaitForAfter(wait, seq, func(x telegramtest.Sent) bool { return x.ChatID == ivan.ID }); err != nil {
			b.Fatal(err)
		}
	}
}
