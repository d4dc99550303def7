package store

import (
	"context"
	"fmt"
	"time"
)

// Municipality is a row of the association's own registry: a municipality
// the embedded directory lacks (a municipal district, say) or corrections
// and codes for one it has.
type Municipality struct {
	ID         int64 // a GeoNames id to correct a directory place, or negative for a new one
	Country    string
	NameRU     string
	NameBE     string
	NameEN     string
	RegionCode string // "RU.69"
	Kind       string // town, district_centre, region_centre, capital
	Population int
	Lat, Lon   float64
	TimeZone   string
	OKTMO      string // OKTMO in Russia, SOATO in Belarus
	Areas      []string
}

// ImportMunicipalities stores rows in one transaction: each row replaces the
// one with its id, and its areas are added to the declared ones.
func (db *DB) ImportMunicipalities(ctx context.Context, rows []Municipality, now time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: import municipalities: %w", err)
	}
	defer tx.Rollback()
	ts := formatTime(now)
	for _, m := range rows {
		_, err := tx.ExecContext(ctx, `INSERT INTO municipalities
			(id, country, name_ru, name_be, name_en, region_code, kind, population, lat, lon, time_zone, oktmo, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET country = excluded.country, name_ru = excluded.name_ru,
			name_be = excluded.name_be, name_en = excluded.name_en, region_code = excluded.region_code,
			kind = excluded.kind, population = excluded.population, lat = excluded.lat, lon = excluded.lon,
			time_zone = excluded.time_zone, oktmo = excluded.oktmo, imported_at = excluded.imported_at`,
			m.ID, m.Country, m.NameRU, m.NameBE, m.NameEN, m.RegionCode, m.Kind, m.Population, m.Lat, m.Lon,
			m.TimeZone, m.OKTMO, ts)
		if err != nil {
			return fmt.Errorf("store: import municipality %d: %w", m.ID, err)
		}
		for _, a := range m.Areas {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO municipality_areas (municipality_id, area, updated_at)
				VALUES (?, ?, ?)`, m.ID, a, ts); err != nil {
				return fmt.Errorf("store: import areas of %d: %w", m.ID, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: import municipalities: %w", err)
	}
	return nil
}

// Municipalities returns the imported registry, by id.
func (db *DB) Municipalities(ctx context.Context) ([]Municipality, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, country, name_ru, name_be, name_en, region_code, kind,
		population, lat, lon, time_zone, oktmo FROM municipalities ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: municipalities: %w", err)
	}
	defer rows.Close()
	var out []Municipality
	for rows.Next() {
		var m Municipality
		if err := rows.Scan(&m.ID, &m.Country, &m.NameRU, &m.NameBE, &m.NameEN, &m.RegionCode, &m.Kind,
			&m.Population, &m.Lat, &m.Lon, &m.TimeZone, &m.OKTMO); err != nil {
			return nil, fmt.Errorf("store: municipalities: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
