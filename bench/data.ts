/**
 * Static inputs of the synthetic country: the 20 KATO regions with their centres and a
 * population weight (appeals are spread in proportion), the organizations every region gets,
 * names and texts. Synthetic: district codes, organization names and BINs are invented
 * (valid check digits, plausible shapes); region codes and centres follow the real classifier.
 */

export interface BenchRegion {
  code: string;
  /** Slip prefix (migration 0005 seeds appeal_region with the same). */
  prefix: string;
  ru: string;
  kk: string;
  en: string;
  /** The regional centre (approximate). */
  lat: number;
  lon: number;
  /** Population in millions (2024, rounded): the share of appeals. */
  weight: number;
  /** A city of republican significance: its districts are coded AB 1k 10 000. */
  isCity: boolean;
}

export const REGIONS: BenchRegion[] = [
  { code: '100000000', prefix: 'ABY', ru: 'область Абай', kk: 'Абай облысы', en: 'Abai Region', lat: 50.41, lon: 80.25, weight: 0.61, isCity: false },
  { code: '110000000', prefix: 'AKM', ru: 'Акмолинская область', kk: 'Ақмола облысы', en: 'Akmola Region', lat: 53.28, lon: 69.39, weight: 0.79, isCity: false },
  { code: '150000000', prefix: 'AKT', ru: 'Актюбинская область', kk: 'Ақтөбе облысы', en: 'Aktobe Region', lat: 50.28, lon: 57.17, weight: 0.93, isCity: false },
  { code: '190000000', prefix: 'ALM', ru: 'Алматинская область', kk: 'Алматы облысы', en: 'Almaty Region', lat: 43.87, lon: 77.07, weight: 1.5, isCity: false },
  { code: '230000000', prefix: 'ATR', ru: 'Атырауская область', kk: 'Атырау облысы', en: 'Atyrau Region', lat: 47.1, lon: 51.92, weight: 0.69, isCity: false },
  { code: '270000000', prefix: 'ZKO', ru: 'Западно-Казахстанская область', kk: 'Батыс Қазақстан облысы', en: 'West Kazakhstan Region', lat: 51.23, lon: 51.37, weight: 0.69, isCity: false },
  { code: '310000000', prefix: 'ZHM', ru: 'Жамбылская область', kk: 'Жамбыл облысы', en: 'Zhambyl Region', lat: 42.9, lon: 71.37, weight: 1.21, isCity: false },
  { code: '330000000', prefix: 'ZHT', ru: 'область Жетісу', kk: 'Жетісу облысы', en: 'Zhetysu Region', lat: 45.02, lon: 78.37, weight: 0.7, isCity: false },
  { code: '350000000', prefix: 'KRG', ru: 'Карагандинская область', kk: 'Қарағанды облысы', en: 'Karaganda Region', lat: 49.806, lon: 73.085, weight: 1.13, isCity: false },
  { code: '390000000', prefix: 'KST', ru: 'Костанайская область', kk: 'Қостанай облысы', en: 'Kostanay Region', lat: 53.21, lon: 63.63, weight: 0.83, isCity: false },
  { code: '430000000', prefix: 'KZO', ru: 'Кызылординская область', kk: 'Қызылорда облысы', en: 'Kyzylorda Region', lat: 44.85, lon: 65.51, weight: 0.83, isCity: false },
  { code: '470000000', prefix: 'MNG', ru: 'Мангистауская область', kk: 'Маңғыстау облысы', en: 'Mangystau Region', lat: 43.65, lon: 51.16, weight: 0.77, isCity: false },
  { code: '550000000', prefix: 'PVL', ru: 'Павлодарская область', kk: 'Павлодар облысы', en: 'Pavlodar Region', lat: 52.29, lon: 76.97, weight: 0.75, isCity: false },
  { code: '590000000', prefix: 'SKO', ru: 'Северо-Казахстанская область', kk: 'Солтүстік Қазақстан облысы', en: 'North Kazakhstan Region', lat: 54.87, lon: 69.15, weight: 0.53, isCity: false },
  { code: '610000000', prefix: 'TRK', ru: 'Туркестанская область', kk: 'Түркістан облысы', en: 'Turkistan Region', lat: 43.3, lon: 68.25, weight: 2.1, isCity: false },
  { code: '620000000', prefix: 'ULT', ru: 'область Ұлытау', kk: 'Ұлытау облысы', en: 'Ulytau Region', lat: 47.8, lon: 67.71, weight: 0.22, isCity: false },
  { code: '630000000', prefix: 'VKO', ru: 'Восточно-Казахстанская область', kk: 'Шығыс Қазақстан облысы', en: 'East Kazakhstan Region', lat: 49.95, lon: 82.61, weight: 0.73, isCity: false },
  { code: '710000000', prefix: 'AST', ru: 'город Астана', kk: 'Астана қаласы', en: 'Astana', lat: 51.169, lon: 71.449, weight: 1.42, isCity: true },
  { code: '750000000', prefix: 'ALA', ru: 'город Алматы', kk: 'Алматы қаласы', en: 'Almaty', lat: 43.238, lon: 76.946, weight: 2.23, isCity: true },
  { code: '790000000', prefix: 'SHY', ru: 'город Шымкент', kk: 'Шымкент қаласы', en: 'Shymkent', lat: 42.317, lon: 69.586, weight: 1.22, isCity: true },
];

export const KARAGANDA = '350000000';

/** A settlement or district appeals come from: the KATO code and a point near it. */
export interface BenchTerritory {
  code: string;
  parent: string;
  level: number;
  ru: string;
  kk: string;
  en: string;
  lat: number;
  lon: number;
  /** Relative share of the region's appeals. */
  weight: number;
  /** Created by the bench (false: the directory demo has it). */
  isNew: boolean;
}

/** The territories of a region the bench files appeals from (the demo's for Karaganda). */
export function territoriesOf(r: BenchRegion): BenchTerritory[] {
  const ab = r.code.slice(0, 2);
  if (r.code === KARAGANDA) {
    const t = (code: string, parent: string, ru: string, lat: number, lon: number, weight: number): BenchTerritory =>
      ({ code, parent, level: 0, ru, kk: ru, en: ru, lat, lon, weight, isNew: false });
    return [
      t('351010000', '351000000', 'г. Караганда', 49.806, 73.085, 5),
      t('351013100', '351010000', 'район имени Казыбек би', 49.84, 73.16, 2),
      t('352410000', '352400000', 'г. Темиртау', 50.054, 72.964, 2),
      t('352210000', '352200000', 'г. Сарань', 49.79, 72.845, 1),
      t('351610000', '351600000', 'г. Балхаш', 46.848, 74.995, 1),
      t('353220100', '353200000', 'г. Абай', 49.631, 72.859, 0.6),
      t('354000000', '350000000', 'Бухар-Жырауский район', 49.95, 73.6, 0.6),
      t('354820100', '354800000', 'г. Каркаралинск', 49.406, 75.474, 0.4),
    ];
  }
  if (r.isCity) {
    const names = ['первый', 'второй', 'третий', 'четвёртый'];
    return names.map((n, k) => ({
      code: `${ab}1${k + 1}10000`, parent: r.code, level: 2,
      ru: `${r.ru}, ${n} район (синтетический)`, kk: `${r.kk}, ${k + 1}-аудан`, en: `${r.en}, district ${k + 1} (synthetic)`,
      lat: r.lat + (k % 2 ? 0.04 : -0.04), lon: r.lon + (k < 2 ? 0.05 : -0.05), weight: 2, isNew: !['711110000', '751110000'].includes(`${ab}1${k + 1}10000`),
    }));
  }
  const out: BenchTerritory[] = [
    { code: `${ab}1000000`, parent: r.code, level: 2, ru: `${r.ru}: областной центр Г.А.`, kk: `${r.kk}: облыс орталығы`, en: `${r.en}: regional centre administration`, lat: r.lat, lon: r.lon, weight: 0, isNew: true },
    { code: `${ab}1010000`, parent: `${ab}1000000`, level: 3, ru: `${r.ru}: областной центр`, kk: `${r.kk}: облыс орталығы қаласы`, en: `${r.en}: regional centre`, lat: r.lat, lon: r.lon, weight: 5, isNew: true },
  ];
  [32, 40, 44].forEach((cd, k) => {
    out.push({
      code: `${ab}${cd}00000`, parent: r.code, level: 2,
      ru: `${r.ru}: район ${k + 1} (синтетический)`, kk: `${r.kk}: ${k + 1}-аудан`, en: `${r.en}: district ${k + 1} (synthetic)`,
      lat: r.lat + 0.4 * Math.cos(k * 2.1), lon: r.lon + 0.6 * Math.sin(k * 2.1), weight: 1, isNew: true,
    });
  });
  return out;
}

export type OrgKey = 'akimat' | 'cc' | 'housing' | 'roads' | 'education' | 'health' | 'energy' | 'city' | 'd1' | 'd2' | 'd3' | 'water' | 'heat';

export interface OrgSpec {
  key: OrgKey;
  kind: 'regional_akimat' | 'coordination_centre' | 'department' | 'district_akimat' | 'state_enterprise' | 'private_provider';
  parent?: OrgKey;
  ru: string;
  kk: string;
  en: string;
}

/** The organizations of a region (created where the directory demo has none). */
export function orgSpecs(r: BenchRegion): OrgSpec[] {
  const dept = (key: OrgKey, ru: string, kk: string, en: string): OrgSpec => ({
    key, kind: 'department', parent: 'akimat', ru: `ГУ «Управление ${ru}» (${r.ru})`, kk: `${r.kk} ${kk} басқармасы`, en: `${en} Department of ${r.en}`,
  });
  const specs: OrgSpec[] = [
    { key: 'akimat', kind: 'regional_akimat', ru: `Акимат: ${r.ru}`, kk: `${r.kk} әкімдігі`, en: `Akimat of ${r.en}` },
    { key: 'cc', kind: 'coordination_centre', parent: 'akimat', ru: `Ситуационный центр акимата (${r.ru})`, kk: `${r.kk} әкімдігінің Ахуалдық орталығы`, en: `Situation Centre of ${r.en}` },
    dept('housing', 'жилищно-коммунального хозяйства', 'тұрғын үй-коммуналдық шаруашылығы', 'Housing and Utilities'),
    dept('roads', 'пассажирского транспорта и автомобильных дорог', 'жолаушылар көлігі және автомобиль жолдары', 'Passenger Transport and Roads'),
    dept('education', 'образования', 'білім', 'Education'),
    dept('health', 'здравоохранения', 'денсаулық сақтау', 'Health'),
    dept('energy', 'энергетики', 'энергетика', 'Energy'),
    { key: 'water', kind: 'state_enterprise', parent: 'housing', ru: `КГП «Водоканал» (${r.ru}, синтетический)`, kk: `«Су арнасы» КМК (${r.kk})`, en: `Water Utility of ${r.en} (synthetic)` },
    { key: 'heat', kind: 'private_provider', parent: 'energy', ru: `ТОО «Тепловые сети» (${r.ru}, синтетическое)`, kk: `«Жылу желісі» ЖШС (${r.kk})`, en: `Heating Networks of ${r.en} (synthetic)` },
  ];
  if (!r.isCity) specs.push({ key: 'city', kind: 'district_akimat', parent: 'akimat', ru: `Акимат областного центра (${r.ru})`, kk: `${r.kk} орталығының әкімдігі`, en: `Akimat of the Regional Centre, ${r.en}` });
  for (const k of [1, 2, 3] as const) {
    specs.push({ key: `d${k}`, kind: 'district_akimat', parent: 'akimat', ru: `Аппарат акима района ${k} (${r.ru})`, kk: `${r.kk} ${k}-аудан әкімінің аппараты`, en: `Office of the Akim of District ${k}, ${r.en}` });
  }
  return specs;
}

/** Territory an organization serves. */
export function orgTerritory(r: BenchRegion, key: OrgKey): string {
  const ab = r.code.slice(0, 2);
  if (key === 'city' || key === 'water' || key === 'heat') return r.isCity ? r.code : `${ab}1000000`;
  if (key === 'd1' || key === 'd2' || key === 'd3') {
    const k = Number(key.slice(1));
    return r.isCity ? `${ab}1${k}10000` : `${ab}${[32, 40, 44][k - 1]}00000`;
  }
  return r.code;
}

/**
 * Routing rules of a new region: [category code, territory prefix (relative: '' = region,
 * 'city' = the regional centre, 'dN' = district N), organization]. Karaganda keeps the demo's.
 */
export const ROUTING: [string, 'region' | 'city' | 'd1' | 'd2' | 'd3', OrgKey][] = [
  ['housing', 'region', 'housing'],
  ['housing.heating', 'region', 'energy'],
  ['housing.heating', 'city', 'heat'],
  ['housing.water', 'city', 'water'],
  ['housing.yard', 'city', 'city'],
  ['housing.yard', 'd1', 'd1'],
  ['housing.yard', 'd2', 'd2'],
  ['housing.yard', 'd3', 'd3'],
  ['roads', 'region', 'roads'],
  ['roads.lighting', 'city', 'city'],
  ['roads.snow', 'city', 'city'],
  ['roads.lighting', 'd1', 'd1'],
  ['roads.snow', 'd2', 'd2'],
  ['education', 'region', 'education'],
  ['health', 'region', 'health'],
  ['environment', 'city', 'city'],
  ['environment', 'd1', 'd1'],
  ['environment', 'd2', 'd2'],
  ['environment', 'd3', 'd3'],
];

export const LAST_NAMES = [
  'Ахметов', 'Сейітқали', 'Нұрланов', 'Иванов', 'Ким', 'Жұмабаев', 'Омаров', 'Петров', 'Байжанов', 'Тоқтаров',
  'Смағұлов', 'Кузнецов', 'Әбдірахманов', 'Есенов', 'Мұқанов', 'Сидоренко', 'Қасымов', 'Попов', 'Досанов', 'Ли',
];
export const FIRST_NAMES = [
  'Нұрлан', 'Айгерім', 'Ерлан', 'Динара', 'Асхат', 'Ольга', 'Данияр', 'Салтанат', 'Мұрат', 'Елена',
  'Арман', 'Мадина', 'Бауыржан', 'Жанна', 'Серік', 'Гүлнар', 'Тимур', 'Аружан', 'Игорь', 'Әсем',
];

/** Appeal texts (Russian and Kazakh), completed with a house number at load time. */
export const TEXTS_RU = [
  'В квартире уже третий день холодно, батареи еле тёплые. Просим проверить теплоснабжение дома и принять меры. Дом',
  'Во дворе после ремонта теплотрассы осталась разрытая яма, дети ходят рядом. Просим засыпать и восстановить асфальт у дома',
  'Не работает уличное освещение на всей улице, вечером опасно ходить. Просим восстановить освещение возле дома',
  'Мусор не вывозится больше недели, контейнеры переполнены, запах. Просим организовать вывоз у дома',
  'На дороге большие ямы, машины объезжают по встречной полосе. Просим провести ямочный ремонт напротив дома',
  'Нет холодной воды с утра, аварийная служба не отвечает. Просим сообщить сроки подачи воды в доме',
  'Ребёнок третий год в очереди в детский сад, очередь не движется. Прошу разъяснить порядок и сроки, адрес',
  'В поликлинике невозможно записаться к терапевту, телефон занят весь день. Прошу принять меры, прикреплены по адресу',
  'Во дворе не убран снег, к подъездам не пройти, пожилые люди не могут выйти. Просим очистить двор дома',
  'Лифт не работает две недели, в доме живут пожилые и инвалиды. Просим ускорить ремонт лифта в доме',
];
export const TEXTS_KK = [
  'Пәтерде үшінші күн суық, батареялар әрең жылы. Үйдің жылумен жабдықталуын тексеріп, шара қолдануды сұраймыз. Үй',
  'Аулада жылу трассасын жөндегеннен кейін қазылған шұңқыр қалды, балалар жанынан өтеді. Көмуді сұраймыз, үй',
  'Көшеде жарық жоқ, кешке жүру қауіпті. Жарықты қалпына келтіруді сұраймыз, үй',
  'Қоқыс бір аптадан астам шығарылмайды, контейнерлер толып кетті. Шығаруды ұйымдастыруды сұраймыз, үй',
  'Жолда үлкен шұңқырлар бар, көліктер қарсы жолақпен айналып өтеді. Жөндеуді сұраймыз, үй',
  'Таңертеңнен бері суық су жоқ, апаттық қызмет жауап бермейді. Су беру мерзімін хабарлауды сұраймыз, үй',
];

export const ANSWER_RU = 'Ваше обращение рассмотрено. Проведено обследование, выявленные недостатки устранены в установленный срок. По дополнительным вопросам обращайтесь в контакт-центр 109.';
export const ANSWER_KK = 'Өтінішіңіз қаралды. Тексеру жүргізілді, анықталған кемшіліктер белгіленген мерзімде жойылды. Қосымша сұрақтар бойынша 109 байланыс орталығына хабарласыңыз.';

/** The password of every account the bench creates. */
export const BENCH_PASSWORD = 'bench-password';
