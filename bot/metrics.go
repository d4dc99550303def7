package bot

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are what /metrics shows, in a registry of the bot's own (not the
// global one), so that several bots in one process — tests — do not clash.
type metrics struct {
	registry  *prometheus.Registry
	updates   *prometheus.CounterVec
	latency   prometheus.Histogram
	sent      *prometheus.CounterVec
	throttled prometheus.Counter
	tooMany   prometheus.Counter
	forbidden prometheus.Counter
}

// Gauges are readings taken when /metrics is scraped.
type Gauges map[string]func(ctx context.Context) (float64, error)

func newMetrics(gauges Gauges) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pobratim_updates_total", Help: "Updates received, by kind.",
		}, []string{"kind"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "pobratim_update_seconds", Help: "Time to handle one update, from dispatch to the last reply.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pobratim_messages_sent_total", Help: "Successful Bot API calls that deliver something, by method.",
		}, []string{"method"}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pobratim_throttled_total", Help: "Updates dropped by the per-user throttle.",
		}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pobratim_telegram_429_total", Help: "Bot API answers 429 Too Many Requests.",
		}),
		forbidden: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pobratim_telegram_403_total", Help: "Bot API answers 403: the chat blocked the bot.",
		}),
	}
	m.registry.MustRegister(m.updates, m.latency, m.sent, m.throttled, m.tooMany, m.forbidden,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	for name, read := range gauges {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: "See the README's metrics table."},
			func() float64 {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				v, err := read(ctx)
				if err != nil {
					return -1
				}
				return v
			}))
	}
	return m
}

// observe records one handled update.
func (m *metrics) observe(kind string, took time.Duration) {
	m.updates.WithLabelValues(kind).Inc()
	m.latency.Observe(took.Seconds())
}
