package directory

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// BenchmarkLoad measures Load and reports the heap the loaded directory
// keeps (retained-MB).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	var d *Directory
	for b.Loop() {
		var err error
		if d, err = Load(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	d = nil
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, _ = Load()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(d)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "retained-MB")
}

// benchQueries mix what officials type: exact names in either script and
// several romanisations, prefixes, homonyms, typos, region qualifiers,
// misses and junk.
var benchQueries = map[string][]string{
	"exact": {
		"Vitebsk", "Віцебск", "Витебск", "г. Гомель", "Minsk", "Москва", "Sankt-Peterburg", "Магілёў",
		"Октябрьский", "Кировск", "Pskov", "Смаленск", "Nizhnij Novgorod", "Oryol", "Хойнікі", "Zhodino",
	},
	"typo": {
		"Vitbesk", "Gomek", "Krasnoyarks", "Екатеренбург", "Novosibrisk", "Pertozavodks", "Магилёв", "Smolnsk",
	},
	"qualified": {
		"Kirovsk, Leningrad", "Кировск Мурманская", "Октябрьский Башкортостан", "Vitebsk, Belarus",
		"Кировск, Тульская область", "Советск (Калининградская область)",
	},
	"miss": {
		"Qwxzzq", "Vtiebks", `"a" OR b*`, "'; DROP TABLE places; --", "Атлантида", "Springfield",
		"Кировск Атлантида Дальняя", "г. Нетакойград",
	},
}

func BenchmarkResolve(b *testing.B) {
	d := testDirectory(b)
	var all []string
	for _, kind := range []string{"exact", "typo", "qualified", "miss"} {
		qs := benchQueries[kind]
		all = append(all, qs...)
		b.Run(kind, func(b *testing.B) { benchResolve(b, d, qs) })
	}
	b.Run("mixed", func(b *testing.B) { benchResolve(b, d, all) })
}

// benchResolve cycles through queries and reports, besides ns/op, the
// 50th, 99th percentile and maximum latency of one Resolve.
func benchResolve(b *testing.B, d *Directory, queries []string) {
	b.ReportAllocs()
	lat := make([]time.Duration, 0, 1<<16)
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		start := time.Now()
		d.Resolve(q, 10)
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(start))
		}
	}
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
	b.ReportMetric(float64(lat[len(lat)-1].Nanoseconds()), "max-ns")
}
