import type { Role } from '../../platform/auth/actor.ts';
import type { Lang } from '../../platform/i18n/i18n.ts';
import type { Localized, OrganizationKind } from './directory.service.ts';
import type { Sex } from './identity.ts';

/**
 * The demo region as data: territories (KATO), organizations, staff with their roles, and
 * citizens. Loaded by demo.ts. See the notes there on where the codes come from.
 */

export type T = { code: string; parent?: string; kk: string; ru: string; en: string; validFrom?: string };

export const TERRITORIES: T[] = [
  { code: '000000000', kk: 'Қазақстан Республикасы', ru: 'Республика Казахстан', en: 'Republic of Kazakhstan' },
  // Regions (level 1). Abai, Zhetysu and Ulytau were formed on 8 June 2022; Shymkent became a
  // city of republican significance and Turkistan region took its present code on 19 June 2018.
  { code: '100000000', kk: 'Абай облысы', ru: 'область Абай', en: 'Abai Region', validFrom: '2022-06-08' },
  { code: '110000000', kk: 'Ақмола облысы', ru: 'Акмолинская область', en: 'Akmola Region' },
  { code: '150000000', kk: 'Ақтөбе облысы', ru: 'Актюбинская область', en: 'Aktobe Region' },
  { code: '190000000', kk: 'Алматы облысы', ru: 'Алматинская область', en: 'Almaty Region' },
  { code: '230000000', kk: 'Атырау облысы', ru: 'Атырауская область', en: 'Atyrau Region' },
  { code: '270000000', kk: 'Батыс Қазақстан облысы', ru: 'Западно-Казахстанская область', en: 'West Kazakhstan Region' },
  { code: '310000000', kk: 'Жамбыл облысы', ru: 'Жамбылская область', en: 'Zhambyl Region' },
  { code: '330000000', kk: 'Жетісу облысы', ru: 'область Жетісу', en: 'Zhetysu Region', validFrom: '2022-06-08' },
  { code: '350000000', kk: 'Қарағанды облысы', ru: 'Карагандинская область', en: 'Karaganda Region' },
  { code: '390000000', kk: 'Қостанай облысы', ru: 'Костанайская область', en: 'Kostanay Region' },
  { code: '430000000', kk: 'Қызылорда облысы', ru: 'Кызылординская область', en: 'Kyzylorda Region' },
  { code: '470000000', kk: 'Маңғыстау облысы', ru: 'Мангистауская область', en: 'Mangystau Region' },
  { code: '550000000', kk: 'Павлодар облысы', ru: 'Павлодарская область', en: 'Pavlodar Region' },
  { code: '590000000', kk: 'Солтүстік Қазақстан облысы', ru: 'Северо-Казахстанская область', en: 'North Kazakhstan Region' },
  { code: '610000000', kk: 'Түркістан облысы', ru: 'Туркестанская область', en: 'Turkistan Region', validFrom: '2018-06-19' },
  { code: '620000000', kk: 'Ұлытау облысы', ru: 'область Ұлытау', en: 'Ulytau Region', validFrom: '2022-06-08' },
  { code: '630000000', kk: 'Шығыс Қазақстан облысы', ru: 'Восточно-Казахстанская область', en: 'East Kazakhstan Region' },
  { code: '710000000', kk: 'Астана қаласы', ru: 'город Астана', en: 'Astana' },
  { code: '750000000', kk: 'Алматы қаласы', ru: 'город Алматы', en: 'Almaty' },
  { code: '790000000', kk: 'Шымкент қаласы', ru: 'город Шымкент', en: 'Shymkent', validFrom: '2018-06-19' },

  // Karaganda region. A city of regional significance is a "city administration" (Г.А.,
  // level 2) containing the city itself (level 3); Karaganda's two city districts sit under the city.
  { code: '351000000', parent: '350000000', kk: 'Қарағанды қ.ә.', ru: 'Караганда Г.А.', en: 'Karaganda city administration' },
  { code: '351010000', parent: '351000000', kk: 'Қарағанды қ.', ru: 'г. Караганда', en: 'Karaganda' },
  { code: '351011100', parent: '351010000', kk: 'Әлихан Бөкейхан ауданы', ru: 'район Әлихан Бөкейхан', en: 'Alikhan Bokeikhan District' },
  { code: '351013100', parent: '351010000', kk: 'Қазыбек би атындағы аудан', ru: 'район имени Казыбек би', en: 'Kazybek Bi District' },
  { code: '351600000', parent: '350000000', kk: 'Балқаш қ.ә.', ru: 'Балхаш Г.А.', en: 'Balkhash city administration' },
  { code: '351610000', parent: '351600000', kk: 'Балқаш қ.', ru: 'г. Балхаш', en: 'Balkhash' },
  { code: '352200000', parent: '350000000', kk: 'Саран қ.ә.', ru: 'Сарань Г.А.', en: 'Saran city administration' },
  { code: '352210000', parent: '352200000', kk: 'Саран қ.', ru: 'г. Сарань', en: 'Saran' },
  { code: '352400000', parent: '350000000', kk: 'Теміртау қ.ә.', ru: 'Темиртау Г.А.', en: 'Temirtau city administration' },
  { code: '352410000', parent: '352400000', kk: 'Теміртау қ.', ru: 'г. Темиртау', en: 'Temirtau' },
  { code: '353200000', parent: '350000000', kk: 'Абай ауданы', ru: 'Абайский район', en: 'Abai District' },
  { code: '353220100', parent: '353200000', kk: 'Абай қ.', ru: 'г. Абай', en: 'Abai (town)' },
  // Bukhar-Zhyrau 3540, Karkaraly 3548 and Osakarovka 3556: from KATO-derived district lists
  // (less certain than the city codes above).
  { code: '354000000', parent: '350000000', kk: 'Бұқар жырау ауданы', ru: 'Бухар-Жырауский район', en: 'Bukhar-Zhyrau District' },
  { code: '354800000', parent: '350000000', kk: 'Қарқаралы ауданы', ru: 'Каркаралинский район', en: 'Karkaraly District' },
  { code: '354820100', parent: '354800000', kk: 'Қарқаралы қ.', ru: 'г. Каркаралинск', en: 'Karkaraly (town)' },
  { code: '355600000', parent: '350000000', kk: 'Осакаров ауданы', ru: 'Осакаровский район', en: 'Osakarovka District' },

  // Astana and Almaty: their districts are coded at the district level (AB CD 10 000).
  { code: '711110000', parent: '710000000', kk: 'Алматы ауданы', ru: 'район Алматы', en: 'Almaty District' },
  { code: '711210000', parent: '710000000', kk: 'Есіл ауданы', ru: 'район Есиль', en: 'Esil District' },
  { code: '711310000', parent: '710000000', kk: 'Сарыарқа ауданы', ru: 'район Сарыарка', en: 'Saryarka District' },
  { code: '711410000', parent: '710000000', kk: 'Байқоңыр ауданы', ru: 'район Байконур', en: 'Baikonur District' },
  { code: '751110000', parent: '750000000', kk: 'Алмалы ауданы', ru: 'Алмалинский район', en: 'Almaly District' },
  { code: '751710000', parent: '750000000', kk: 'Медеу ауданы', ru: 'Медеуский район', en: 'Medeu District' },
];

export type OrgKey =
  | 'ministry'
  | 'akimat'
  | 'situation'
  | 'digital'
  | 'housing'
  | 'roads'
  | 'education'
  | 'health'
  | 'energy'
  | 'karaganda'
  | 'kazybekbi'
  | 'temirtau'
  | 'bukhar'
  | 'water'
  | 'heat'
  | 'astana'
  | 'astanaSituation';

export interface O {
  key: OrgKey;
  parent?: OrgKey;
  kind: OrganizationKind;
  territory: string;
  /** [year, month, serial] of a fictional BIN; none for a structural unit. */
  bin?: [number, number, number];
  kk: string;
  ru: string;
  en: string;
}

export const ORGANIZATIONS: O[] = [
  {
    key: 'ministry',
    kind: 'ministry',
    territory: '000000000',
    bin: [19, 3, 17_031],
    // The name as of 2024; ministries are renamed from time to time.
    kk: 'Қазақстан Республикасының Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі',
    ru: 'Министерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан',
    en: 'Ministry of Digital Development, Innovation and Aerospace Industry of the Republic of Kazakhstan',
  },
  {
    key: 'akimat',
    kind: 'regional_akimat',
    territory: '350000000',
    bin: [99, 2, 4_120],
    kk: 'Қарағанды облысының әкімдігі',
    ru: 'Акимат Карагандинской области',
    en: 'Akimat of Karaganda Region',
  },
  {
    key: 'situation',
    parent: 'akimat',
    kind: 'coordination_centre',
    territory: '350000000',
    kk: 'Қарағанды облысы әкімдігінің Ахуалдық орталығы',
    ru: 'Ситуационный центр акимата Карагандинской области',
    en: 'Situation Centre of the Akimat of Karaganda Region',
  },
  {
    key: 'digital',
    parent: 'akimat',
    kind: 'department',
    territory: '350000000',
    bin: [19, 7, 8_415],
    kk: '«Қарағанды облысының цифрландыру басқармасы» ММ',
    ru: 'ГУ «Управление цифровизации Карагандинской области»',
    en: 'Digitalization Department of Karaganda Region',
  },
  {
    key: 'housing',
    parent: 'akimat',
    kind: 'department',
    territory: '350000000',
    bin: [5, 6, 2_207],
    kk: '«Қарағанды облысының тұрғын үй-коммуналдық шаруашылығы басқармасы» ММ',
    ru: 'ГУ «Управление жилищно-коммунального хозяйства Карагандинской области»',
    en: 'Housing and Utilities Department of Karaganda Region',
  },
  {
    key: 'roads',
    parent: 'akimat',
    kind: 'department',
    territory: '350000000',
    bin: [5, 3, 3_318],
    kk: '«Қарағанды облысының жолаушылар көлігі және автомобиль жолдары басқармасы» ММ',
    ru: 'ГУ «Управление пассажирского транспорта и автомобильных дорог Карагандинской области»',
    en: 'Passenger Transport and Roads Department of Karaganda Region',
  },
  {
    key: 'education',
    parent: 'akimat',
    kind: 'department',
    territory: '350000000',
    bin: [0, 11, 5_526],
    kk: '«Қарағанды облысының білім басқармасы» ММ',
    ru: 'ГУ «Управление образования Карагандинской области»',
    en: 'Education Department of Karaganda Region',
  },
  {
    key: 'health',
    parent: 'akimat',
    kind: 'department',
    territory: '350000000',
    bin: [1, 1, 6_634],
    kk: '«Қарағанды облысының денсаулық сақтау басқармасы» ММ',
    ru: 'ГУ «Управление здравоохранения Карагандинской области»',
    en: 'Health Department of Karaganda Region',
  },
  {
    key: 'energy',
    parent: 'akimat',
    kind: 'department',
    territory: '350000000',
    bin: [21, 4, 7_742],
    kk: '«Қарағанды облысының энергетика басқармасы» ММ',
    ru: 'ГУ «Управление энергетики Карагандинской области»',
    en: 'Energy Department of Karaganda Region',
  },
  {
    key: 'karaganda',
    parent: 'akimat',
    kind: 'district_akimat',
    territory: '351000000',
    bin: [99, 1, 9_853],
    kk: 'Қарағанды қаласының әкімдігі',
    ru: 'Акимат города Караганды',
    en: 'Akimat of Karaganda City',
  },
  {
    key: 'kazybekbi',
    parent: 'karaganda',
    kind: 'district_akimat',
    territory: '351013100',
    bin: [8, 2, 1_961],
    kk: '«Қарағанды қаласы Қазыбек би атындағы аудан әкімінің аппараты» ММ',
    ru: 'ГУ «Аппарат акима района имени Казыбек би города Караганды»',
    en: 'Office of the Akim of Kazybek Bi District, Karaganda',
  },
  {
    key: 'temirtau',
    parent: 'akimat',
    kind: 'district_akimat',
    territory: '352400000',
    bin: [99, 3, 2_074],
    kk: 'Теміртау қаласының әкімдігі',
    ru: 'Акимат города Темиртау',
    en: 'Akimat of Temirtau City',
  },
  {
    key: 'bukhar',
    parent: 'akimat',
    kind: 'district_akimat',
    territory: '354000000',
    bin: [99, 4, 3_185],
    kk: 'Бұқар жырау ауданының әкімдігі',
    ru: 'Акимат Бухар-Жырауского района',
    en: 'Akimat of Bukhar-Zhyrau District',
  },
  {
    // Invented utility, accountable to the housing department.
    key: 'water',
    parent: 'housing',
    kind: 'state_enterprise',
    territory: '351000000',
    bin: [3, 9, 14_296],
    kk: '«Қарағанды Су Арнасы» коммуналдық мемлекеттік кәсіпорны',
    ru: 'КГП «Карагандинский водоканал „Су Арнасы“»',
    en: 'Su Arnasy Karaganda Water Utility (municipal enterprise)',
  },
  {
    // Invented private heating company, overseen by the energy department.
    key: 'heat',
    parent: 'energy',
    kind: 'private_provider',
    territory: '351000000',
    bin: [6, 10, 25_307],
    kk: '«Қарағанды Жылу Желісі» ЖШС',
    ru: 'ТОО «Карагандинские тепловые сети „Жылу Желісі“»',
    en: 'Zhylu Zhelisi Karaganda Heating Networks LLP',
  },
  {
    key: 'astana',
    kind: 'regional_akimat',
    territory: '710000000',
    bin: [98, 5, 4_418],
    kk: 'Астана қаласының әкімдігі',
    ru: 'Акимат города Астаны',
    en: 'Akimat of Astana',
  },
  {
    key: 'astanaSituation',
    parent: 'astana',
    kind: 'coordination_centre',
    territory: '710000000',
    kk: 'Астана қаласы әкімдігінің Ахуалдық орталығы',
    ru: 'Ситуационный центр акимата города Астаны',
    en: 'Situation Centre of the Akimat of Astana',
  },
];

const P = {
  admin: { kk: 'Ortak жүйесінің әкімшісі', ru: 'Администратор системы Ortak', en: 'Ortak system administrator' },
  operator: { kk: 'Байланыс орталығының операторы', ru: 'Оператор контакт-центра', en: 'Contact centre operator' },
  coordinator: { kk: 'Ахуалдық орталықтың бас маманы', ru: 'Главный специалист ситуационного центра', en: 'Chief specialist, situation centre' },
  specialist: { kk: 'Бас маман', ru: 'Главный специалист', en: 'Chief specialist' },
  head: { kk: 'Басқарма басшысы', ru: 'Руководитель управления', en: 'Head of department' },
  designer: { kk: 'Мемлекеттік қызметтерді жобалау жөніндегі маман', ru: 'Специалист по проектированию государственных услуг', en: 'Public service designer' },
  digitalHead: { kk: 'Цифрландыру басқармасының басшысы', ru: 'Руководитель управления цифровизации', en: 'Head of the digitalization department' },
  director: { kk: 'Бас директор', ru: 'Генеральный директор', en: 'General director' },
  dispatcher: { kk: 'Диспетчер', ru: 'Диспетчер', en: 'Dispatcher' },
  itSpecialist: { kk: 'Ақпараттық технологиялар бөлімінің бас маманы', ru: 'Главный специалист отдела информационных технологий', en: 'Chief specialist, IT unit' },
  apparatusHead: { kk: 'Әкім аппаратының басшысы', ru: 'Руководитель аппарата акима', en: "Head of the akim's office" },
  vice: { kk: 'Вице-министр', ru: 'Вице-министр', en: 'Vice minister' },
} satisfies Record<string, Localized>;

export interface S {
  login: string;
  org: OrgKey;
  last: string;
  first: string;
  middle?: string;
  sex: Sex;
  born: string;
  lang: Lang;
  position: Localized;
  /** [role, organization, includes subtree] */
  roles: [Role, OrgKey, boolean][];
  phone?: string;
  email?: string;
}

// The first seven are the documented demo logins, one per role.
export const STAFF: S[] = [
  { login: 'operator', org: 'situation', last: 'Серікова', first: 'Айгерім', middle: 'Маратқызы', sex: 'female', born: '1996-03-14', lang: 'ru', position: P.operator, roles: [['operator', 'akimat', true]], phone: '+77015550201' },
  { login: 'executor', org: 'housing', last: 'Петрова', first: 'Ольга', middle: 'Викторовна', sex: 'female', born: '1984-09-02', lang: 'ru', position: P.specialist, roles: [['executor', 'housing', false]], email: 'o.petrova@example.kz' },
  { login: 'head', org: 'housing', last: 'Ахметов', first: 'Серік', middle: 'Болатұлы', sex: 'male', born: '1975-11-21', lang: 'kk', position: P.head, roles: [['head', 'housing', true], ['executor', 'housing', false]] },
  { login: 'coordinator', org: 'situation', last: 'Омаров', first: 'Данияр', middle: 'Қайратұлы', sex: 'male', born: '1988-06-30', lang: 'ru', position: P.coordinator, roles: [['coordinator', 'akimat', true]] },
  { login: 'designer', org: 'digital', last: 'Ким', first: 'Андрей', middle: 'Владимирович', sex: 'male', born: '1991-01-17', lang: 'ru', position: P.designer, roles: [['service_designer', 'akimat', true]] },
  { login: 'digital', org: 'digital', last: 'Нұрланова', first: 'Динара', middle: 'Бақытқызы', sex: 'female', born: '1982-04-08', lang: 'kk', position: P.digitalHead, roles: [['digitalization_officer', 'akimat', true], ['head', 'digital', false]] },
  { login: 'admin', org: 'akimat', last: 'Жұмабеков', first: 'Ерлан', middle: 'Серікұлы', sex: 'male', born: '1986-12-05', lang: 'ru', position: P.admin, roles: [['administrator', 'akimat', true]] },

  { login: 'operator.kk', org: 'situation', last: 'Әлімжанова', first: 'Самал', middle: 'Бекқызы', sex: 'female', born: '1999-08-19', lang: 'kk', position: P.operator, roles: [['operator', 'akimat', true]] },
  { login: 'head.education', org: 'education', last: 'Әбдірахманова', first: 'Гүлнар', middle: 'Төлегенқызы', sex: 'female', born: '1971-02-11', lang: 'kk', position: P.head, roles: [['head', 'education', true]] },
  { login: 'executor.education', org: 'education', last: 'Байжанов', first: 'Мұрат', middle: 'Ержанұлы', sex: 'male', born: '1993-05-27', lang: 'kk', position: P.specialist, roles: [['executor', 'education', false]] },
  { login: 'head.health', org: 'health', last: 'Исаева', first: 'Жанна', middle: 'Сергеевна', sex: 'female', born: '1973-10-03', lang: 'ru', position: P.head, roles: [['head', 'health', true]] },
  { login: 'executor.health', org: 'health', last: 'Тоқтарова', first: 'Мадина', middle: 'Әділқызы', sex: 'female', born: '1990-07-15', lang: 'ru', position: P.specialist, roles: [['executor', 'health', false]] },
  { login: 'head.roads', org: 'roads', last: 'Ғабдуллин', first: 'Арман', middle: 'Нұрланұлы', sex: 'male', born: '1979-03-29', lang: 'kk', position: P.head, roles: [['head', 'roads', true]] },
  { login: 'executor.roads', org: 'roads', last: 'Сидоренко', first: 'Игорь', middle: 'Николаевич', sex: 'male', born: '1987-12-12', lang: 'ru', position: P.specialist, roles: [['executor', 'roads', false]] },
  { login: 'head.energy', org: 'energy', last: 'Мұқанов', first: 'Бауыржан', middle: 'Ғалымұлы', sex: 'male', born: '1977-08-08', lang: 'kk', position: P.head, roles: [['head', 'energy', true]] },
  { login: 'executor.energy', org: 'energy', last: 'Ли', first: 'Наталья', middle: 'Геннадьевна', sex: 'female', born: '1989-11-30', lang: 'ru', position: P.specialist, roles: [['executor', 'energy', false]] },
  { login: 'head.water', org: 'water', last: 'Есенов', first: 'Қанат', middle: 'Жомартұлы', sex: 'male', born: '1970-01-25', lang: 'kk', position: P.director, roles: [['head', 'water', false]] },
  { login: 'executor.water', org: 'water', last: 'Кузнецов', first: 'Дмитрий', middle: 'Алексеевич', sex: 'male', born: '1994-04-18', lang: 'ru', position: P.dispatcher, roles: [['executor', 'water', false]] },
  { login: 'head.heat', org: 'heat', last: 'Шайхин', first: 'Ержан', middle: 'Маратұлы', sex: 'male', born: '1976-06-06', lang: 'ru', position: P.director, roles: [['head', 'heat', false]] },
  { login: 'executor.heat', org: 'heat', last: 'Васильева', first: 'Елена', middle: 'Андреевна', sex: 'female', born: '1992-09-09', lang: 'ru', position: P.dispatcher, roles: [['executor', 'heat', false]] },
  { login: 'karaganda.admin', org: 'karaganda', last: 'Тұрсынов', first: 'Асхат', middle: 'Бекұлы', sex: 'male', born: '1985-10-10', lang: 'ru', position: P.itSpecialist, roles: [['administrator', 'karaganda', true]] },
  { login: 'karaganda.executor', org: 'karaganda', last: 'Қалиева', first: 'Салтанат', middle: 'Ерболқызы', sex: 'female', born: '1995-02-22', lang: 'kk', position: P.specialist, roles: [['executor', 'karaganda', false]] },
  { login: 'kazybekbi.executor', org: 'kazybekbi', last: 'Мамыров', first: 'Ғалым', middle: 'Сапарұлы', sex: 'male', born: '1983-03-03', lang: 'kk', position: P.specialist, roles: [['executor', 'kazybekbi', false]] },
  { login: 'temirtau.admin', org: 'temirtau', last: 'Кенжебаев', first: 'Нұржан', middle: 'Асылбекұлы', sex: 'male', born: '1990-12-01', lang: 'ru', position: P.itSpecialist, roles: [['administrator', 'temirtau', true]] },
  { login: 'temirtau.head', org: 'temirtau', last: 'Досанов', first: 'Ербол', middle: 'Қуанышұлы', sex: 'male', born: '1974-05-05', lang: 'kk', position: P.apparatusHead, roles: [['head', 'temirtau', true]] },
  { login: 'temirtau.executor', org: 'temirtau', last: 'Попова', first: 'Ирина', middle: 'Владимировна', sex: 'female', born: '1986-07-07', lang: 'ru', position: P.specialist, roles: [['executor', 'temirtau', false]] },
  { login: 'bukhar.head', org: 'bukhar', last: 'Жақыпов', first: 'Бекзат', middle: 'Талғатұлы', sex: 'male', born: '1980-09-19', lang: 'kk', position: P.apparatusHead, roles: [['head', 'bukhar', true]] },
  { login: 'bukhar.executor', org: 'bukhar', last: 'Смағұлова', first: 'Айжан', middle: 'Рүстемқызы', sex: 'female', born: '1997-11-11', lang: 'kk', position: P.specialist, roles: [['executor', 'bukhar', false]] },
  { login: 'ministry.digital', org: 'ministry', last: 'Оспанов', first: 'Талғат', middle: 'Амангелдіұлы', sex: 'male', born: '1978-04-04', lang: 'kk', position: P.vice, roles: [['digitalization_officer', 'ministry', true], ['service_designer', 'ministry', true]] },
  { login: 'ministry.admin', org: 'ministry', last: 'Рахимова', first: 'Ләззат', middle: 'Серікқызы', sex: 'female', born: '1984-08-28', lang: 'ru', position: P.itSpecialist, roles: [['administrator', 'ministry', true]] },
  { login: 'astana.admin', org: 'astana', last: 'Ибраев', first: 'Айдос', middle: 'Жандосұлы', sex: 'male', born: '1989-01-31', lang: 'ru', position: P.itSpecialist, roles: [['administrator', 'astana', true]] },
  { login: 'astana.coordinator', org: 'astanaSituation', last: 'Бекова', first: 'Әлия', middle: 'Нұрболқызы', sex: 'female', born: '1992-06-16', lang: 'kk', position: P.coordinator, roles: [['coordinator', 'astana', true]] },
  { login: 'astana.operator', org: 'astanaSituation', last: 'Морозов', first: 'Павел', middle: 'Сергеевич', sex: 'male', born: '1998-10-20', lang: 'ru', position: P.operator, roles: [['operator', 'astana', true]] },
];

export interface C {
  /** Fixed IIN (the published examples) or built from the birth date. */
  iin?: string;
  last: string;
  first: string;
  middle?: string;
  sex: Sex;
  born: string;
  lang: Lang;
  phone?: string;
  email?: string;
  hasAccount: boolean;
}

// The first is the documented citizen login (its IIN is the example in DESIGN.md).
export const CITIZENS: C[] = [
  { iin: '900515301234', last: 'Сәрсенов', first: 'Нұрлан', middle: 'Асқарұлы', sex: 'male', born: '1990-05-15', lang: 'kk', phone: '+77015550101', email: 'nurlan.sarsenov@example.kz', hasAccount: true },
  { iin: '061211600012', last: 'Жақсылықова', first: 'Аружан', middle: 'Ерланқызы', sex: 'female', born: '2006-12-11', lang: 'kk', phone: '+77475550102', hasAccount: true },
  { last: 'Иванова', first: 'Светлана', middle: 'Петровна', sex: 'female', born: '1985-03-08', lang: 'ru', phone: '+77055550103', email: 's.ivanova@example.kz', hasAccount: true },
  { last: 'Бекмұханов', first: 'Тимур', middle: 'Сәкенұлы', sex: 'male', born: '1978-10-01', lang: 'ru', phone: '+77775550104', hasAccount: true },
  { last: 'Шевченко', first: 'Виктор', middle: 'Иванович', sex: 'male', born: '1956-02-14', lang: 'ru', phone: '+77212550105', hasAccount: false },
  { last: 'Қасымова', first: 'Әсем', middle: 'Ерланқызы', sex: 'female', born: '2001-07-21', lang: 'kk', phone: '+77085550106', hasAccount: true },
  { last: 'Төлеуов', first: 'Ержан', sex: 'male', born: '1969-12-30', lang: 'kk', phone: '+77015550107', hasAccount: false },
  { last: 'Гончаренко', first: 'Мария', middle: 'Алексеевна', sex: 'female', born: '1947-05-09', lang: 'ru', phone: '+77212550108', hasAccount: false },
];
