package store

import (
	"context"
	"fmt"

	"hoctap/internal/adminunit"
)

// SyncAdminUnits writes the embedded reference units and links into the database, so that
// SQL reports can join on them. It is idempotent and runs in one transaction; it is reference
// data, so it is not in the audit log.
func (db *DB) SyncAdminUnits(ctx context.Context, m *adminunit.Map) error {
	var have, want int
	for _, era := range []adminunit.Era{adminunit.Era2020, adminunit.Era2025Jan, adminunit.Era2025Jul} {
		want += len(m.Units(era, adminunit.LevelDistrict)) + len(m.Units(era, adminunit.LevelCommune))
	}
	want++ // the province
	if err := db.r().queryRow(ctx, "SELECT count(*) FROM admin_units").Scan(&have); err != nil {
		return fmt.Errorf("store: count admin units: %w", err)
	}
	var links int
	if err := db.r().queryRow(ctx, "SELECT count(*) FROM admin_unit_links").Scan(&links); err != nil {
		return fmt.Errorf("store: count admin unit links: %w", err)
	}
	if have == want && links == len(m.Links()) {
		return nil
	}
	return db.Write(ctx, func(tx *Tx) error {
		put := func(u adminunit.Unit) error {
			_, err := tx.exec(ctx, `INSERT INTO admin_units (era, code, level, name, short_name, type, parent_code, province_code, valid_from, valid_to, status, population_2019)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (era, code) DO UPDATE SET level = excluded.level, name = excluded.name, short_name = excluded.short_name, type = excluded.type,
				parent_code = excluded.parent_code, province_code = excluded.province_code, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
				status = excluded.status, population_2019 = excluded.population_2019`,
				string(u.Era), u.Code, string(u.Level), u.Name, u.ShortName, u.Type, u.ParentCode, u.ProvinceCode,
				nullStr(u.ValidFrom), nullStr(u.ValidTo), u.Status, u.Population2019)
			if err != nil {
				return fmt.Errorf("store: admin unit %s/%s: %w", u.Era, u.Code, err)
			}
			return nil
		}
		p := m.Province()
		if err := put(p); err != nil {
			return err
		}
		for _, era := range []adminunit.Era{adminunit.Era2020, adminunit.Era2025Jan, adminunit.Era2025Jul} {
			for _, level := range []adminunit.Level{adminunit.LevelDistrict, adminunit.LevelCommune} {
				for _, u := range m.Units(era, level) {
					if err := put(u); err != nil {
						return err
					}
				}
			}
		}
		for _, l := range m.Links() {
			if _, err := tx.exec(ctx, `INSERT INTO admin_unit_links (from_era, from_code, to_era, to_code, is_full, weight) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (from_era, from_code, to_era, to_code) DO UPDATE SET is_full = excluded.is_full, weight = excluded.weight`,
				string(l.FromEra), l.FromCode, string(l.ToEra), l.ToCode, l.Full, l.Weight); err != nil {
				return fmt.Errorf("store: admin unit link: %w", err)
			}
		}
		return nil
	})
}

// AdminUnitCounts returns how many units of each era and level the database holds.
func (db *DB) AdminUnitCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.r().query(ctx, "SELECT era, level, count(*) FROM admin_units GROUP BY era, level")
	if err != nil {
		return nil, fmt.Errorf("store: admin unit counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var era, level string
		var n int
		if err := rows.Scan(&era, &level, &n); err != nil {
			return nil, err
		}
		out[era+"/"+level] = n
	}
	return out, rows.Err()
}
