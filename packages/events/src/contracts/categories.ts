/**
 * The categories a show may be in: Apple Podcasts' top-level categories (what podcast apps and
 * feeds use), each with Apple's own name. Part of the contract, so every context agrees on them;
 * values are only ever added (HEALTH and SOCIETY keep their first names for the events that carry them).
 */
export const APPLE_CATEGORY_NAMES = {
  ARTS: 'Arts',
  BUSINESS: 'Business',
  COMEDY: 'Comedy',
  EDUCATION: 'Education',
  FICTION: 'Fiction',
  GOVERNMENT: 'Government',
  HEALTH: 'Health & Fitness',
  HISTORY: 'History',
  KIDS_AND_FAMILY: 'Kids & Family',
  LEISURE: 'Leisure',
  MUSIC: 'Music',
  NEWS: 'News',
  RELIGION_AND_SPIRITUALITY: 'Religion & Spirituality',
  SCIENCE: 'Science',
  SOCIETY: 'Society & Culture',
  SPORTS: 'Sports',
  TECHNOLOGY: 'Technology',
  TRUE_CRIME: 'True Crime',
  TV_AND_FILM: 'TV & Film',
} as const;
export type ShowCategory = keyof typeof APPLE_CATEGORY_NAMES;
export const SHOW_CATEGORIES = Object.keys(APPLE_CATEGORY_NAMES) as [ShowCategory, ...ShowCategory[]];
/** The same list as an enum object (value = name), for a GraphQL enum every subgraph registers alike. */
export const ShowCategoryEnum = Object.fromEntries(SHOW_CATEGORIES.map((c) => [c, c])) as { [C in ShowCategory]: C };

/**
 * Apple's subcategories, under the category each belongs to, with Apple's own names (the current
 * list, https://podcasters.apple.com/support/1691-apple-podcasts-categories). A value names the
 * subcategory alone: its parent is implied. Values are only ever added, as for categories.
 */
export const APPLE_SUBCATEGORY_NAMES = {
  ARTS: { BOOKS: 'Books', DESIGN: 'Design', FASHION_AND_BEAUTY: 'Fashion & Beauty', FOOD: 'Food', PERFORMING_ARTS: 'Performing Arts', VISUAL_ARTS: 'Visual Arts' },
  BUSINESS: { CAREERS: 'Careers', ENTREPRENEURSHIP: 'Entrepreneurship', INVESTING: 'Investing', MANAGEMENT: 'Management', MARKETING: 'Marketing', NON_PROFIT: 'Non-Profit' },
  COMEDY: { COMEDY_INTERVIEWS: 'Comedy Interviews', IMPROV: 'Improv', STAND_UP: 'Stand-Up' },
  EDUCATION: { COURSES: 'Courses', HOW_TO: 'How To', LANGUAGE_LEARNING: 'Language Learning', SELF_IMPROVEMENT: 'Self-Improvement' },
  FICTION: { COMEDY_FICTION: 'Comedy Fiction', DRAMA: 'Drama', SCIENCE_FICTION: 'Science Fiction' },
  GOVERNMENT: {},
  HEALTH: { ALTERNATIVE_HEALTH: 'Alternative Health', FITNESS: 'Fitness', MEDICINE: 'Medicine', MENTAL_HEALTH: 'Mental Health', NUTRITION: 'Nutrition', SEXUALITY: 'Sexuality' },
  HISTORY: {},
  KIDS_AND_FAMILY: { EDUCATION_FOR_KIDS: 'Education for Kids', PARENTING: 'Parenting', PETS_AND_ANIMALS: 'Pets & Animals', STORIES_FOR_KIDS: 'Stories for Kids' },
  LEISURE: {
    ANIMATION_AND_MANGA: 'Animation & Manga', AUTOMOTIVE: 'Automotive', AVIATION: 'Aviation', CRAFTS: 'Crafts', GAMES: 'Games', HOBBIES: 'Hobbies',
    HOME_AND_GARDEN: 'Home & Garden', VIDEO_GAMES: 'Video Games',
  },
  MUSIC: { MUSIC_COMMENTARY: 'Music Commentary', MUSIC_HISTORY: 'Music History', MUSIC_INTERVIEWS: 'Music Interviews' },
  NEWS: {
    BUSINESS_NEWS: 'Business News', DAILY_NEWS: 'Daily News', ENTERTAINMENT_NEWS: 'Entertainment News', NEWS_COMMENTARY: 'News Commentary', POLITICS: 'Politics',
    SPORTS_NEWS: 'Sports News', TECH_NEWS: 'Tech News',
  },
  RELIGION_AND_SPIRITUALITY: { BUDDHISM: 'Buddhism', CHRISTIANITY: 'Christianity', HINDUISM: 'Hinduism', ISLAM: 'Islam', JUDAISM: 'Judaism', RELIGION: 'Religion', SPIRITUALITY: 'Spirituality' },
  SCIENCE: {
    ASTRONOMY: 'Astronomy', CHEMISTRY: 'Chemistry', EARTH_SCIENCES: 'Earth Sciences', LIFE_SCIENCES: 'Life Sciences', MATHEMATICS: 'Mathematics',
    NATURAL_SCIENCES: 'Natural Sciences', NATURE: 'Nature', PHYSICS: 'Physics', SOCIAL_SCIENCES: 'Social Sciences',
  },
  SOCIETY: { DOCUMENTARY: 'Documentary', PERSONAL_JOURNALS: 'Personal Journals', PHILOSOPHY: 'Philosophy', PLACES_AND_TRAVEL: 'Places & Travel', RELATIONSHIPS: 'Relationships' },
  SPORTS: {
    BASEBALL: 'Baseball', BASKETBALL: 'Basketball', CRICKET: 'Cricket', FANTASY_SPORTS: 'Fantasy Sports', FOOTBALL: 'Football', GOLF: 'Golf', HOCKEY: 'Hockey',
    RUGBY: 'Rugby', RUNNING: 'Running', SOCCER: 'Soccer', SWIMMING: 'Swimming', TENNIS: 'Tennis', VOLLEYBALL: 'Volleyball', WILDERNESS: 'Wilderness', WRESTLING: 'Wrestling',
  },
  TECHNOLOGY: {},
  TRUE_CRIME: {},
  TV_AND_FILM: { AFTER_SHOWS: 'After Shows', FILM_HISTORY: 'Film History', FILM_INTERVIEWS: 'Film Interviews', FILM_REVIEWS: 'Film Reviews', TV_REVIEWS: 'TV Reviews' },
} as const satisfies { [C in ShowCategory]: Record<string, string> };

type SubcategoriesOf<C extends ShowCategory> = keyof (typeof APPLE_SUBCATEGORY_NAMES)[C] & string;
export type ShowSubcategory = { [C in ShowCategory]: SubcategoriesOf<C> }[ShowCategory];

/** Each subcategory with the category it belongs to and Apple's name for it. */
export const APPLE_SUBCATEGORIES = Object.fromEntries(
  SHOW_CATEGORIES.flatMap((category) =>
    Object.entries(APPLE_SUBCATEGORY_NAMES[category] as Record<string, string>).map(([subcategory, name]) => [subcategory, { category, name }]),
  ),
) as { readonly [S in ShowSubcategory]: { readonly category: ShowCategory; readonly name: string } };
export const SHOW_SUBCATEGORIES = Object.keys(APPLE_SUBCATEGORIES) as [ShowSubcategory, ...ShowSubcategory[]];
export const ShowSubcategoryEnum = Object.fromEntries(SHOW_SUBCATEGORIES.map((s) => [s, s])) as { [S in ShowSubcategory]: S };

/** Whether `subcategory` is one of `category`'s. */
export const subcategoryBelongsTo = (subcategory: ShowSubcategory, category: ShowCategory): boolean => APPLE_SUBCATEGORIES[subcategory].category === category;

/** How subgraphs name and describe the enum (`registerEnumType(ShowCategoryEnum, SHOW_CATEGORY_ENUM_CONFIG)`): identical everywhere, as composition needs. */
export const SHOW_CATEGORY_ENUM_CONFIG = {
  name: 'ShowCategory',
  description: "A show's category: Apple Podcasts' top-level categories (the description of each value is Apple's name)",
  valuesConfig: Object.fromEntries(SHOW_CATEGORIES.map((c) => [c, { description: APPLE_CATEGORY_NAMES[c] }])) as { [C in ShowCategory]: { description: string } },
};

/** The subcategory enum's name and descriptions ("Society & Culture > Documentary"), registered alike by every subgraph that uses it. */
export const SHOW_SUBCATEGORY_ENUM_CONFIG = {
  name: 'ShowSubcategory',
  description: "A show's subcategory: Apple Podcasts' subcategories, each within one category (the description of each value is Apple's category and subcategory names)",
  valuesConfig: Object.fromEntries(
    SHOW_SUBCATEGORIES.map((s) => [s, { description: `${APPLE_CATEGORY_NAMES[APPLE_SUBCATEGORIES[s].category]} > ${APPLE_SUBCATEGORIES[s].name}` }]),
  ) as { [S in ShowSubcategory]: { description: string } },
};
