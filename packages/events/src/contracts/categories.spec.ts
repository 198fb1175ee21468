import { randomUUID } from 'node:crypto';
import { APPLE_CATEGORY_NAMES, APPLE_SUBCATEGORIES, SHOW_SUBCATEGORIES, SHOW_SUBCATEGORY_ENUM_CONFIG, ShowSnapshot, subcategoryBelongsTo } from './catalog';

const snapshot = { showId: randomUUID(), ownerId: randomUUID(), slug: 'a-show', title: 'A show', description: '', category: 'SOCIETY', language: 'en', artworkUrl: null };

describe("Apple's subcategories", () => {
  it("lists Apple's current subcategories once each, under their categories", () => {
    expect(SHOW_SUBCATEGORIES).toHaveLength(91);
    expect(new Set(Object.values(APPLE_SUBCATEGORIES).map((s) => `${s.category}/${s.name}`)).size).toBe(91);
    expect(APPLE_SUBCATEGORIES.DOCUMENTARY).toEqual({ category: 'SOCIETY', name: 'Documentary' });
    expect(APPLE_SUBCATEGORIES.TECH_NEWS).toEqual({ category: 'NEWS', name: 'Tech News' });
    expect(APPLE_SUBCATEGORIES.PETS_AND_ANIMALS).toEqual({ category: 'KIDS_AND_FAMILY', name: 'Pets & Animals' });
    for (const none of ['GOVERNMENT', 'HISTORY', 'TECHNOLOGY', 'TRUE_CRIME'] as const) {
      expect(SHOW_SUBCATEGORIES.filter((s) => subcategoryBelongsTo(s, none))).toEqual([]);
    }
    expect(subcategoryBelongsTo('INVESTING', 'BUSINESS')).toBe(true);
    expect(subcategoryBelongsTo('INVESTING', 'NEWS')).toBe(false);
    expect(SHOW_SUBCATEGORY_ENUM_CONFIG.valuesConfig.DOCUMENTARY.description).toBe(`${APPLE_CATEGORY_NAMES.SOCIETY} > Documentary`);
  });

  it('keeps show snapshots without a subcategory readable, and refuses an unknown one', () => {
    expect(ShowSnapshot.parse(snapshot).subcategory).toBeUndefined();
    expect(ShowSnapshot.parse({ ...snapshot, subcategory: null }).subcategory).toBeNull();
    expect(ShowSnapshot.parse({ ...snapshot, subcategory: 'DOCUMENTARY' }).subcategory).toBe('DOCUMENTARY');
    expect(ShowSnapshot.safeParse({ ...snapshot, subcategory: 'KNITTING' }).success).toBe(false);
  });
});
