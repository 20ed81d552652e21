/**
 * The shared vocabulary of reports and triage, in Russian, Kazakh and English: the ILGA-Europe Annual Review
 * headings (DESIGN.md section 4, the headings of seeds/004), the regions of Kazakhstan, who did it, forms of harm,
 * self-descriptions, police outcomes, the OSCE/ODIHR hate-crime fields and the case statuses.
 *
 * Ids are stable, lower-case ASCII and are what gets stored (inside encrypted payloads); labels are for display only
 * and may be improved without touching stored data. The reporter form and the reviewers' workspace both import this.
 *
 * This file has no dependencies, so the reporter's first page load stays small; the zod schemas for
 * these ids are in index.ts, which re-exports everything here.
 */
import type { Locale } from '@/lib/i18n/config';

export type TLabel = Readonly<Record<Locale, string>>;
export type TTerm<Id extends string = string> = { readonly id: Id; readonly label: TLabel };

function terms<const T extends readonly TTerm[]>(list: T): T {
  return list;
}

/** ILGA-Europe Annual Review headings, in the order the Annual Review uses. */
export const CATEGORIES = terms([
  { id: 'access-to-goods-and-services', label: { en: 'Access to goods and services', ru: 'Доступ к товарам и услугам', kk: 'Тауарлар мен қызметтерге қолжетімділік' } },
  { id: 'asylum', label: { en: 'Asylum', ru: 'Убежище', kk: 'Баспана беру (пана)' } },
  { id: 'bias-motivated-speech', label: { en: 'Bias-motivated speech', ru: 'Высказывания на почве предубеждения', kk: 'Алалаушылық себепті сөздер' } },
  { id: 'bias-motivated-violence', label: { en: 'Bias-motivated violence', ru: 'Насилие на почве предубеждения', kk: 'Алалаушылық себепті зорлық-зомбылық' } },
  { id: 'education', label: { en: 'Education', ru: 'Образование', kk: 'Білім беру' } },
  { id: 'employment', label: { en: 'Employment', ru: 'Трудоустройство и занятость', kk: 'Жұмыспен қамту' } },
  { id: 'equality-and-non-discrimination', label: { en: 'Equality and non-discrimination', ru: 'Равенство и недискриминация', kk: 'Теңдік және кемсітпеушілік' } },
  { id: 'family', label: { en: 'Family', ru: 'Семья', kk: 'Отбасы' } },
  {
    id: 'freedom-from-torture',
    label: {
      en: 'Freedom from torture, cruel, inhuman or degrading treatment',
      ru: 'Свобода от пыток, жестокого, бесчеловечного или унижающего достоинство обращения',
      kk: 'Азаптаудан, қатыгез, адамгершілікке жатпайтын немесе ар-намысты қорлайтын қарым-қатынастан азат болу',
    },
  },
  { id: 'freedom-of-assembly', label: { en: 'Freedom of assembly', ru: 'Свобода собраний', kk: 'Бейбіт жиналыс бостандығы' } },
  { id: 'freedom-of-association', label: { en: 'Freedom of association', ru: 'Свобода объединений', kk: 'Бірлесу бостандығы' } },
  { id: 'freedom-of-expression', label: { en: 'Freedom of expression', ru: 'Свобода выражения мнений', kk: 'Пікір білдіру бостандығы' } },
  { id: 'health', label: { en: 'Health', ru: 'Здоровье', kk: 'Денсаулық' } },
  { id: 'housing', label: { en: 'Housing', ru: 'Жильё', kk: 'Тұрғын үй' } },
  { id: 'human-rights-defenders', label: { en: 'Human rights defenders', ru: 'Правозащитники', kk: 'Құқық қорғаушылар' } },
  { id: 'legal-gender-recognition', label: { en: 'Legal gender recognition', ru: 'Юридическое признание гендера', kk: 'Гендерді заңды тану' } },
  {
    id: 'participation-in-public-life',
    label: {
      en: 'Participation in public, cultural and political life',
      ru: 'Участие в общественной, культурной и политической жизни',
      kk: 'Қоғамдық, мәдени және саяси өмірге қатысу',
    },
  },
  { id: 'police-and-law-enforcement', label: { en: 'Police and law enforcement', ru: 'Полиция и правоохранительные органы', kk: 'Полиция және құқық қорғау органдары' } },
]);

/** The 17 oblasts, the 3 cities of republican significance, and two places outside the map. */
export const REGIONS = terms([
  { id: 'astana', label: { en: 'Astana (city)', ru: 'Астана (город)', kk: 'Астана (қаласы)' } },
  { id: 'almaty-city', label: { en: 'Almaty (city)', ru: 'Алматы (город)', kk: 'Алматы (қаласы)' } },
  { id: 'shymkent', label: { en: 'Shymkent (city)', ru: 'Шымкент (город)', kk: 'Шымкент (қаласы)' } },
  { id: 'abai', label: { en: 'Abai Region', ru: 'Абайская область', kk: 'Абай облысы' } },
  { id: 'akmola', label: { en: 'Akmola Region', ru: 'Акмолинская область', kk: 'Ақмола облысы' } },
  { id: 'aktobe', label: { en: 'Aktobe Region', ru: 'Актюбинская область', kk: 'Ақтөбе облысы' } },
  { id: 'almaty-region', label: { en: 'Almaty Region', ru: 'Алматинская область', kk: 'Алматы облысы' } },
  { id: 'atyrau', label: { en: 'Atyrau Region', ru: 'Атырауская область', kk: 'Атырау облысы' } },
  { id: 'east-kazakhstan', label: { en: 'East Kazakhstan Region', ru: 'Восточно-Казахстанская область', kk: 'Шығыс Қазақстан облысы' } },
  { id: 'jambyl', label: { en: 'Jambyl Region', ru: 'Жамбылская область', kk: 'Жамбыл облысы' } },
  { id: 'jetisu', label: { en: 'Jetisu Region', ru: 'Область Жетысу', kk: 'Жетісу облысы' } },
  { id: 'karaganda', label: { en: 'Karaganda Region', ru: 'Карагандинская область', kk: 'Қарағанды облысы' } },
  { id: 'kostanay', label: { en: 'Kostanay Region', ru: 'Костанайская область', kk: 'Қостанай облысы' } },
  { id: 'kyzylorda', label: { en: 'Kyzylorda Region', ru: 'Кызылординская область', kk: 'Қызылорда облысы' } },
  { id: 'mangystau', label: { en: 'Mangystau Region', ru: 'Мангистауская область', kk: 'Маңғыстау облысы' } },
  { id: 'north-kazakhstan', label: { en: 'North Kazakhstan Region', ru: 'Северо-Казахстанская область', kk: 'Солтүстік Қазақстан облысы' } },
  { id: 'pavlodar', label: { en: 'Pavlodar Region', ru: 'Павлодарская область', kk: 'Павлодар облысы' } },
  { id: 'turkistan', label: { en: 'Turkistan Region', ru: 'Туркестанская область', kk: 'Түркістан облысы' } },
  { id: 'ulytau', label: { en: 'Ulytau Region', ru: 'Область Улытау', kk: 'Ұлытау облысы' } },
  { id: 'west-kazakhstan', label: { en: 'West Kazakhstan Region', ru: 'Западно-Казахстанская область', kk: 'Батыс Қазақстан облысы' } },
  { id: 'online', label: { en: 'Online', ru: 'В интернете', kk: 'Интернетте' } },
  { id: 'abroad', label: { en: 'Outside Kazakhstan', ru: 'За пределами Казахстана', kk: 'Қазақстаннан тыс жерде' } },
]);

/** Who did it (DESIGN.md section 4). */
export const PERPETRATORS = terms([
  { id: 'police-or-state', label: { en: 'Police or other state officials', ru: 'Полиция или другие государственные служащие', kk: 'Полиция немесе басқа мемлекеттік қызметкерлер' } },
  { id: 'family', label: { en: 'Family member', ru: 'Член семьи', kk: 'Отбасы мүшесі' } },
  { id: 'employer-or-colleague', label: { en: 'Employer or colleague', ru: 'Работодатель или коллега', kk: 'Жұмыс беруші немесе әріптес' } },
  { id: 'school', label: { en: 'School or university staff or students', ru: 'Сотрудники или учащиеся школы, вуза', kk: 'Мектеп немесе ЖОО қызметкерлері не оқушылары' } },
  { id: 'health-worker', label: { en: 'Health worker', ru: 'Медицинский работник', kk: 'Медицина қызметкері' } },
  { id: 'landlord', label: { en: 'Landlord or neighbour', ru: 'Арендодатель или сосед', kk: 'Пәтер иесі немесе көрші' } },
  { id: 'religious-figure', label: { en: 'Religious figure', ru: 'Религиозный деятель', kk: 'Дін қызметкері' } },
  { id: 'stranger', label: { en: 'Stranger', ru: 'Незнакомый человек', kk: 'Бейтаныс адам' } },
  { id: 'online-group', label: { en: 'Online group or account', ru: 'Группа или аккаунт в интернете', kk: 'Интернеттегі топ немесе аккаунт' } },
  { id: 'other', label: { en: 'Someone else', ru: 'Другое', kk: 'Басқа' } },
]);

/** Forms of harm, as in the Education Community survey. */
export const HARMS = terms([
  { id: 'psychological', label: { en: 'Psychological', ru: 'Психологическое', kk: 'Психологиялық' } },
  { id: 'physical', label: { en: 'Physical', ru: 'Физическое', kk: 'Физикалық' } },
  { id: 'sexual', label: { en: 'Sexual', ru: 'Сексуальное', kk: 'Жыныстық' } },
  { id: 'economic', label: { en: 'Economic', ru: 'Экономическое', kk: 'Экономикалық' } },
]);

/** Optional self-description of who was targeted. */
export const IDENTITIES = terms([
  { id: 'lesbian', label: { en: 'Lesbian', ru: 'Лесбиянка', kk: 'Лесбиянка' } },
  { id: 'gay', label: { en: 'Gay', ru: 'Гей', kk: 'Гей' } },
  { id: 'bisexual', label: { en: 'Bisexual', ru: 'Бисексуальный человек', kk: 'Бисексуал адам' } },
  { id: 'trans', label: { en: 'Trans', ru: 'Трансгендерный человек', kk: 'Трансгендер адам' } },
  { id: 'intersex', label: { en: 'Intersex', ru: 'Интерсекс-человек', kk: 'Интерсекс адам' } },
  { id: 'queer', label: { en: 'Queer', ru: 'Квир', kk: 'Квир' } },
  { id: 'non-binary', label: { en: 'Non-binary', ru: 'Небинарный человек', kk: 'Бинарлы емес адам' } },
  { id: 'ally', label: { en: 'Ally or witness', ru: 'Союзник или свидетель', kk: 'Одақтас немесе куә' } },
  { id: 'other', label: { en: 'Another description', ru: 'Другое описание', kk: 'Басқа сипаттама' } },
]);

/** Whether it was reported to the police and what came of it. */
export const POLICE_OUTCOMES = terms([
  { id: 'not-reported', label: { en: 'Not reported to the police', ru: 'Не сообщали в полицию', kk: 'Полицияға хабарланбаған' } },
  { id: 'refused-to-register', label: { en: 'Police refused to register it', ru: 'Полиция отказалась регистрировать', kk: 'Полиция тіркеуден бас тартты' } },
  { id: 'no-action', label: { en: 'Registered, nothing happened', ru: 'Зарегистрировали, но ничего не сделали', kk: 'Тіркелді, бірақ ештеңе жасалмады' } },
  { id: 'investigation-opened', label: { en: 'An investigation was opened', ru: 'Начато расследование', kk: 'Тергеу басталды' } },
  { id: 'case-closed', label: { en: 'The case was closed without result', ru: 'Дело закрыто без результата', kk: 'Іс нәтижесіз жабылды' } },
  { id: 'conviction', label: { en: 'Someone was convicted or fined', ru: 'Виновный осуждён или оштрафован', kk: 'Кінәлі сотталды немесе айыппұл салынды' } },
  { id: 'victim-pressured', label: { en: 'The victim was pressured or threatened by the police', ru: 'Полиция давила на пострадавших или угрожала им', kk: 'Полиция жәбірленушіге қысым жасады немесе қорқытты' } },
  { id: 'unknown', label: { en: 'Unknown', ru: 'Неизвестно', kk: 'Белгісіз' } },
]);

/** OSCE/ODIHR hate-crime reporting: bias motivation. */
export const ODIHR_BIAS_MOTIVATIONS = terms([
  { id: 'anti-lgbti', label: { en: 'Anti-LGBTI', ru: 'Против ЛГБТИ', kk: 'ЛГБТИ-ға қарсы' } },
  { id: 'gender', label: { en: 'Gender-based', ru: 'По признаку гендера', kk: 'Гендерлік негізде' } },
  { id: 'other', label: { en: 'Another bias', ru: 'Другое предубеждение', kk: 'Басқа алалаушылық' } },
]);

/** OSCE/ODIHR hate-crime reporting: type of incident. */
export const ODIHR_INCIDENT_TYPES = terms([
  { id: 'homicide', label: { en: 'Homicide', ru: 'Убийство', kk: 'Кісі өлтіру' } },
  { id: 'violent-attack', label: { en: 'Violent attack on persons', ru: 'Насильственное нападение на людей', kk: 'Адамдарға күш қолданып шабуыл жасау' } },
  { id: 'threats', label: { en: 'Threats or threatening behaviour', ru: 'Угрозы или угрожающее поведение', kk: 'Қорқыту немесе қауіп төндіретін мінез-құлық' } },
  { id: 'property-attack', label: { en: 'Attack on property', ru: 'Нападение на имущество', kk: 'Мүлікке шабуыл' } },
  { id: 'arson', label: { en: 'Arson', ru: 'Поджог', kk: 'Өртеу' } },
  { id: 'other', label: { en: 'Other incident', ru: 'Другой инцидент', kk: 'Басқа оқиға' } },
]);

/**
 * OSCE/ODIHR hate-crime reporting: bias indicators, the objective facts that point to a bias motive (ODIHR's
 * "Hate Crime Data-Collection and Monitoring Mechanisms" guide). Recorded by the reviewer, listed in the ODIHR table.
 */
export const ODIHR_BIAS_INDICATORS = terms([
  { id: 'victim-perception', label: { en: 'Victim or witnesses perceived a bias motive', ru: 'Пострадавшие или свидетели считают мотивом предубеждение', kk: 'Жәбірленуші немесе куәлар алалаушылық себеп деп санайды' } },
  { id: 'comments-or-gestures', label: { en: 'Biased comments, written statements or gestures', ru: 'Оскорбительные высказывания, надписи или жесты', kk: 'Алалаушылық сөздер, жазбалар немесе ым-ишара' } },
  { id: 'symbols-or-graffiti', label: { en: 'Drawings, symbols or graffiti', ru: 'Рисунки, символы или граффити', kk: 'Суреттер, белгілер немесе граффити' } },
  { id: 'hate-group', label: { en: 'Involvement of an organised hate group', ru: 'Участие организованной группы ненависти', kk: 'Ұйымдасқан өшпенділік тобының қатысуы' } },
  { id: 'location-or-timing', label: { en: 'Location or timing (LGBTI venue, event, date)', ru: 'Место или время (ЛГБТИ-место, событие, дата)', kk: 'Орны немесе уақыты (ЛГБТИ орны, іс-шара, күн)' } },
  { id: 'pattern-of-incidents', label: { en: 'Previous incidents against the same victim or group', ru: 'Предыдущие инциденты против того же человека или группы', kk: 'Сол адамға немесе топқа қарсы бұрынғы оқиғалар' } },
  { id: 'nature-of-violence', label: { en: 'Degree or nature of the violence', ru: 'Степень или характер насилия', kk: 'Зорлық-зомбылықтың дәрежесі немесе сипаты' } },
  { id: 'no-other-motive', label: { en: 'No other apparent motive', ru: 'Нет другого очевидного мотива', kk: 'Басқа айқын себеп жоқ' } },
]);

/** Whether the incident is a hate crime in ODIHR's sense (a criminal offence committed with a bias motive). */
export const ODIHR_HATE_CRIME = terms([
  { id: 'yes', label: { en: 'Hate crime', ru: 'Преступление на почве ненависти', kk: 'Өшпенділік қылмысы' } },
  { id: 'no', label: { en: 'Not a hate crime (no crime or no bias)', ru: 'Не преступление на почве ненависти', kk: 'Өшпенділік қылмысы емес' } },
  { id: 'unclear', label: { en: 'Not yet clear', ru: 'Пока неясно', kk: 'Әзірге белгісіз' } },
]);

/** Case statuses: the only triage facts the server can read (with the assignee and a day). */
export const STATUSES = terms([
  { id: 'new', label: { en: 'New', ru: 'Новое', kk: 'Жаңа' } },
  { id: 'in_review', label: { en: 'In review', ru: 'На рассмотрении', kk: 'Қаралуда' } },
  { id: 'needs_information', label: { en: 'Needs information', ru: 'Нужны уточнения', kk: 'Нақтылау қажет' } },
  { id: 'verified', label: { en: 'Verified', ru: 'Проверено', kk: 'Тексерілді' } },
  { id: 'closed', label: { en: 'Closed', ru: 'Закрыто', kk: 'Жабылды' } },
  { id: 'spam', label: { en: 'Spam', ru: 'Спам', kk: 'Спам' } },
]);

type Ids<T extends readonly TTerm[]> = T[number]['id'];
export type TCategoryId = Ids<typeof CATEGORIES>;
export type TRegionId = Ids<typeof REGIONS>;
export type TPerpetratorId = Ids<typeof PERPETRATORS>;
export type THarmId = Ids<typeof HARMS>;
export type TIdentityId = Ids<typeof IDENTITIES>;
export type TPoliceOutcomeId = Ids<typeof POLICE_OUTCOMES>;
export type TBiasMotivationId = Ids<typeof ODIHR_BIAS_MOTIVATIONS>;
export type TIncidentTypeId = Ids<typeof ODIHR_INCIDENT_TYPES>;
export type TBiasIndicatorId = Ids<typeof ODIHR_BIAS_INDICATORS>;
export type THateCrimeId = Ids<typeof ODIHR_HATE_CRIME>;
export type TStatusId = Ids<typeof STATUSES>;

/** The display label of a term in a language, or the id itself for an id this version does not know. */
export function labelOf(list: readonly TTerm[], id: string, locale: Locale): string {
  return list.find((term) => term.id === id)?.label[locale] ?? id;
}

/** Every vocabulary by name, for tests and for tools that list them. */
export const VOCABULARIES = {
  categories: CATEGORIES,
  regions: REGIONS,
  perpetrators: PERPETRATORS,
  harms: HARMS,
  identities: IDENTITIES,
  policeOutcomes: POLICE_OUTCOMES,
  odihrBiasMotivations: ODIHR_BIAS_MOTIVATIONS,
  odihrIncidentTypes: ODIHR_INCIDENT_TYPES,
  odihrHateCrime: ODIHR_HATE_CRIME,
  odihrBiasIndicators: ODIHR_BIAS_INDICATORS,
  statuses: STATUSES,
} as const;
