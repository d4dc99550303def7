// Command floor is the bare go-telegram/bot bot that pobratim-load measures
// Pobratim against: it long-polls TELEGRAM_API_URL with TELEGRAM_BOT_TOKEN,
// answers every message with a fixed text and every button press with an
// empty callback answer, and does nothing else. Whatever Pobratim costs
// beyond this is the price of its own work.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv("TELEGRAM_BOT_TOKEN"), os.Getenv("TELEGRAM_API_URL")); err != nil {
		fmt.Fprintf(os.Stderr, "floor: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, token, apiURL string) error {
	b, err := tg.New(token,
		tg.WithServerURL(apiURL),
		tg.WithSkipGetMe(),
		tg.WithDefaultHandler(answer),
	)
	if err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	b.Start(ctx)
	return nil
}

func answer(ctx context.Context, b *tg.Bot, upd *models.Update) {
	switch {
	case upd.Message != nil:
		_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: upd.Message.Chat.ID, Text: "ok"})
	case upd.CallbackQuery != nil:
		_, _ = b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: upd.CallbackQuery.ID})
	}
}
