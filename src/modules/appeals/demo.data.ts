import type { OrganizationKind } from '../directory/directory.service.ts';

/**
 * The demo of the appeals module for Karaganda region: a category tree (kk/ru/en), routing
 * rules, and ~30 appeals in every state. Organizations are named by a fragment of their
 * English name in the directory demo (src/modules/directory/demo.data.ts).
 */

export interface DemoCategory {
  code: string;
  parent?: string;
  kk: string;
  ru: string;
  en: string;
  kind?: OrganizationKind;
  targetHours?: number;
  security?: boolean;
  keywords?: string[];
  extra?: Record<string, unknown>;
}

const APARTMENT = {
  type: 'object',
  properties: {
    apartment: { type: 'string', maxLength: 10, description: 'Flat number' },
    indoorTemperature: { type: 'number', minimum: -30, maximum: 40, description: 'Measured indoor temperature, °C' },
  },
  additionalProperties: false,
};

export const CATEGORIES: DemoCategory[] = [
  { code: 'housing', kk: 'Тұрғын үй-коммуналдық шаруашылық', ru: 'Жилищно-коммунальное хозяйство', en: 'Housing and utilities', kind: 'department', keywords: ['жкх', 'тұрғын үй'] },
  { code: 'housing.heating', parent: 'housing', kk: 'Жылу', ru: 'Отопление', en: 'Heating', kind: 'private_provider', keywords: ['отопление', 'жылу', 'батарея'] },
  { code: 'housing.heating.none', parent: 'housing.heating', kk: 'Пәтерде жылу жоқ', ru: 'Нет отопления в квартире', en: 'No heating in the flat', targetHours: 24, keywords: ['холодно', 'суық'], extra: APARTMENT },
  { code: 'housing.heating.low', parent: 'housing.heating', kk: 'Радиатор жеткіліксіз жылы', ru: 'Слабо греют батареи', en: 'Radiators barely warm', targetHours: 72, extra: APARTMENT },
  { code: 'housing.water', parent: 'housing', kk: 'Сумен жабдықтау', ru: 'Водоснабжение', en: 'Water supply', kind: 'state_enterprise', keywords: ['вода', 'су'] },
  { code: 'housing.water.none', parent: 'housing.water', kk: 'Суық су жоқ', ru: 'Нет холодной воды', en: 'No cold water', targetHours: 12 },
  { code: 'housing.water.leak', parent: 'housing.water', kk: 'Құбыр жарылды, су ағып жатыр', ru: 'Прорыв трубы, утечка', en: 'Burst pipe or leak', targetHours: 6 },
  { code: 'housing.water.quality', parent: 'housing.water', kk: 'Су сапасы нашар', ru: 'Плохое качество воды', en: 'Poor water quality' },
  { code: 'housing.yard', parent: 'housing', kk: 'Аула мен подъезд', ru: 'Двор и подъезд', en: 'Yard and entrance', kind: 'district_akimat' },
  { code: 'housing.elevator', parent: 'housing', kk: 'Лифт істемейді', ru: 'Не работает лифт', en: 'Lift out of order', targetHours: 48 },
  { code: 'roads', kk: 'Жолдар мен көлік', ru: 'Дороги и транспорт', en: 'Roads and transport', kind: 'department' },
  { code: 'roads.pothole', parent: 'roads', kk: 'Жолдағы шұңқыр', ru: 'Ямы на дороге', en: 'Potholes' },
  { code: 'roads.lighting', parent: 'roads', kk: 'Көше жарығы жоқ', ru: 'Не горит уличное освещение', en: 'Street lights out', kind: 'district_akimat' },
  { code: 'roads.snow', parent: 'roads', kk: 'Қар тазаланбаған', ru: 'Не убран снег', en: 'Snow not cleared', kind: 'district_akimat', targetHours: 24 },
  { code: 'roads.transport', parent: 'roads', kk: 'Қоғамдық көлік', ru: 'Общественный транспорт', en: 'Public transport' },
  { code: 'education', kk: 'Білім беру', ru: 'Образование', en: 'Education', kind: 'department' },
  { code: 'education.kindergarten', parent: 'education', kk: 'Балабақша кезегі', ru: 'Очередь в детский сад', en: 'Kindergarten queue' },
  { code: 'education.school', parent: 'education', kk: 'Мектеп', ru: 'Школа', en: 'School' },
  { code: 'health', kk: 'Денсаулық сақтау', ru: 'Здравоохранение', en: 'Health', kind: 'department' },
  { code: 'health.clinic', parent: 'health', kk: 'Емхана қызметі', ru: 'Работа поликлиники', en: 'Polyclinic service' },
  { code: 'health.medicines', parent: 'health', kk: 'Тегін дәрі-дәрмек', ru: 'Бесплатные лекарства', en: 'Free medicines' },
  { code: 'environment', kk: 'Экология және тазалық', ru: 'Экология и чистота', en: 'Environment and cleanliness', kind: 'district_akimat' },
  { code: 'environment.waste', parent: 'environment', kk: 'Қоқыс шығарылмаған', ru: 'Не вывезен мусор', en: 'Rubbish not collected', targetHours: 48 },
  { code: 'environment.trees', parent: 'environment', kk: 'Ағаш кесу, көгалдандыру', ru: 'Вырубка и озеленение', en: 'Trees and greenery' },
  { code: 'state_services', kk: 'Мемлекеттік қызметтер', ru: 'Государственные услуги', en: 'State services' },
  { code: 'state_services.complaint', parent: 'state_services', kk: 'Мемлекеттік қызмет көрсетуге шағым', ru: 'Жалоба на оказание госуслуги', en: 'Complaint about a state service' },
  { code: 'safety', kk: 'Қоғамдық тәртіп және қауіпсіздік', ru: 'Общественный порядок и безопасность', en: 'Public order and safety', security: true },
  { code: 'safety.threat', parent: 'safety', kk: 'Қауіпсіздікке қатер', ru: 'Угроза безопасности', en: 'Threat to public security', security: true },
  { code: 'other', kk: 'Басқа мәселелер', ru: 'Другие вопросы', en: 'Other matters' },
];

/** [category code, KATO prefix, organization (English name fragment)] */
export const ROUTING: [string, string, string][] = [
  ['housing', '35', 'Housing and Utilities Department'],
  ['housing.heating', '3510', 'Heating Networks'],
  ['housing.heating', '3524', 'Akimat of Temirtau'],
  ['housing.water', '3510', 'Water Utility'],
  ['housing.water', '3524', 'Akimat of Temirtau'],
  ['housing.yard', '3510', 'Akimat of Karaganda City'],
  ['housing.yard', '3510131', 'Kazybek Bi'],
  ['housing.yard', '3524', 'Akimat of Temirtau'],
  ['housing.yard', '3540', 'Bukhar-Zhyrau'],
  ['roads', '35', 'Passenger Transport and Roads'],
  ['roads', '3524', 'Akimat of Temirtau'],
  ['roads.lighting', '3510', 'Akimat of Karaganda City'],
  ['roads.snow', '3510', 'Akimat of Karaganda City'],
  ['education', '35', 'Education Department'],
  ['health', '35', 'Health Department'],
  ['environment', '3510', 'Akimat of Karaganda City'],
  ['environment', '3524', 'Akimat of Temirtau'],
  ['environment', '3540', 'Bukhar-Zhyrau'],
  ['safety', '35', 'Situation Centre of the Akimat of Karaganda'],
];

export type DemoTarget = 'registered' | 'assigned' | 'in_progress' | 'awaiting' | 'answered' | 'closed' | 'reopened' | 'extended' | 'merged' | 'forwarded' | 'anonymous' | 'returned';

export interface DemoAppeal {
  category: string;
  territory: string;
  point?: [number, number];
  address?: string;
  /** A citizen login (IIN or phone of a demo citizen), 'operator:<phone>' for a caller, or 'anonymous'. */
  who: string;
  daysAgo: number;
  target: DemoTarget;
  lang: 'kk' | 'ru';
  text: string;
  type?: 'statement' | 'complaint' | 'proposal' | 'request' | 'report';
  isPublic?: boolean;
  extra?: Record<string, unknown>;
}

const KRG = '351010000';
const KB = '351013100';
const TEM = '352410000';

export const APPEALS: DemoAppeal[] = [
  { category: 'housing.heating.none', territory: KB, point: [49.8021, 73.1402], address: 'ул. Гапеева, 12', who: '900515301234', daysAgo: 2, target: 'assigned', lang: 'kk', text: 'Пәтерде үш күннен бері жылу жоқ, балалар тоңып жатыр. Радиаторлар мүлдем суық.', extra: { apartment: '45', indoorTemperature: 14 }, isPublic: true },
  { category: 'housing.heating.none', territory: KB, point: [49.8024, 73.1406], address: 'ул. Гапеева, 14', who: '+77055550103', daysAgo: 2, target: 'merged', lang: 'ru', text: 'В квартире нет отопления уже третий день, батареи холодные.', extra: { apartment: '12' } },
  { category: 'housing.heating.low', territory: KRG, point: [49.8062, 73.0851], address: 'пр. Бухар-Жырау, 47', who: '+77775550104', daysAgo: 9, target: 'in_progress', lang: 'ru', text: 'Батареи еле тёплые, в квартире 17 градусов. Просим проверить давление в системе.', extra: { apartment: '7', indoorTemperature: 17 }, isPublic: true },
  { category: 'housing.water.none', territory: KRG, point: [49.8101, 73.0992], address: 'ул. Ерубаева, 20', who: 'operator:+77212550105', daysAgo: 1, target: 'in_progress', lang: 'ru', text: 'С утра нет холодной воды во всём доме, никаких объявлений не было.', isPublic: true },
  { category: 'housing.water.leak', territory: KRG, point: [49.7989, 73.1077], address: 'ул. Абдирова, 3', who: '061211600012', daysAgo: 4, target: 'answered', lang: 'kk', text: 'Үйдің алдында құбыр жарылып, су көшеге ағып жатыр.', isPublic: true },
  { category: 'housing.water.quality', territory: KRG, point: [49.8155, 73.0803], who: '+77085550106', daysAgo: 12, target: 'closed', lang: 'kk', text: 'Крандан сары, иісті су ағады. Сапасын тексеруді сұраймын.' },
  { category: 'housing.yard', territory: KB, point: [49.7957, 73.1501], address: 'мкр. Степной-2, 5', who: '900515301234', daysAgo: 18, target: 'closed', lang: 'kk', text: 'Ауладағы балалар алаңы сынған, әткеншек қауіпті.', isPublic: true },
  { category: 'housing.yard', territory: KRG, point: [49.8033, 73.0921], who: '+77055550103', daysAgo: 25, target: 'reopened', lang: 'ru', text: 'В подъезде месяц не убирают, на лестнице мусор и разбиты окна.' },
  { category: 'housing.elevator', territory: KRG, point: [49.8118, 73.1012], address: 'ул. Защитная, 9', who: 'operator:+77212550108', daysAgo: 6, target: 'awaiting', lang: 'ru', text: 'Лифт не работает две недели, в доме живут пожилые люди.' },
  { category: 'housing.heating.none', territory: TEM, point: [50.0602, 72.9601], who: '+77775550104', daysAgo: 23, target: 'extended', lang: 'ru', text: 'В Темиртау по ул. Мира нет отопления в целом подъезде.', extra: { apartment: '31' } },
  { category: 'roads.pothole', territory: KRG, point: [49.8201, 73.0705], address: 'пр. Строителей', who: '061211600012', daysAgo: 14, target: 'in_progress', lang: 'kk', text: 'Құрылысшылар даңғылында үлкен шұңқырлар, көліктер зақымдалуда.', isPublic: true },
  { category: 'roads.pothole', territory: TEM, point: [50.0551, 72.9702], who: '+77085550106', daysAgo: 28, target: 'closed', lang: 'ru', text: 'На перекрёстке у автовокзала Темиртау глубокая яма.', isPublic: true },
  { category: 'roads.lighting', territory: KB, point: [49.7933, 73.1456], who: '+77055550103', daysAgo: 5, target: 'assigned', lang: 'ru', text: 'На улице вдоль школы не горят фонари, детям темно идти.', isPublic: true },
  { category: 'roads.snow', territory: KRG, point: [49.8079, 73.0888], who: '900515301234', daysAgo: 33, target: 'closed', lang: 'kk', text: 'Аялдама маңындағы қар үш күн бойы тазаланбады.' },
  { category: 'roads.transport', territory: KRG, who: '+77775550104', daysAgo: 8, target: 'answered', lang: 'ru', text: 'Автобус №41 вечером ходит раз в час, просим увеличить количество рейсов.', type: 'proposal', isPublic: true },
  { category: 'education.kindergarten', territory: KRG, who: '061211600012', daysAgo: 20, target: 'in_progress', lang: 'kk', text: 'Балабақша кезегіндегі нөміріміз бір жылдан бері өзгермеді. Себебін түсіндіріңіз.', type: 'request' },
  { category: 'education.school', territory: TEM, who: '+77085550106', daysAgo: 11, target: 'assigned', lang: 'kk', text: 'Мектепте екінші ауысымда сабақ кешке дейін созылады.' },
  { category: 'health.clinic', territory: KRG, who: '+77055550103', daysAgo: 30, target: 'in_progress', lang: 'ru', text: 'В поликлинике №3 невозможно записаться к терапевту, телефон не отвечает.', type: 'complaint' },
  { category: 'health.medicines', territory: KRG, who: 'operator:+77212550108', daysAgo: 16, target: 'answered', lang: 'ru', text: 'Не выдают бесплатные лекарства по диабету уже второй месяц.', type: 'complaint' },
  { category: 'environment.waste', territory: KB, point: [49.7971, 73.1388], who: '900515301234', daysAgo: 3, target: 'in_progress', lang: 'kk', text: 'Қоқыс контейнерлері бір аптадан бері шығарылмаған.', isPublic: true },
  { category: 'environment.waste', territory: KB, point: [49.7972, 73.139], who: '+77775550104', daysAgo: 3, target: 'assigned', lang: 'ru', text: 'Мусорные контейнеры переполнены, мусор не вывозят неделю.', isPublic: true },
  { category: 'environment.trees', territory: KRG, who: '+77085550106', daysAgo: 26, target: 'returned', lang: 'kk', text: 'Саябақта ағаштар заңсыз кесіліп жатыр.' },
  { category: 'environment.waste', territory: TEM, who: '061211600012', daysAgo: 35, target: 'closed', lang: 'kk', text: 'Теміртауда жеке сектордағы қоқыс жиналмайды.' },
  { category: 'other', territory: KRG, who: '+77055550103', daysAgo: 1, target: 'registered', lang: 'ru', text: 'Прошу разъяснить порядок получения жилищной помощи пенсионерам.', type: 'request' },
  { category: 'other', territory: KRG, who: 'operator:+77212550105', daysAgo: 4, target: 'forwarded', lang: 'ru', text: 'Соседи по ночам шумят и угрожают, прошу принять меры.', type: 'complaint' },
  { category: 'safety.threat', territory: KRG, who: 'anonymous', daysAgo: 7, target: 'forwarded', lang: 'ru', text: 'В подвале дома по ул. Ленина складируют канистры с бензином, возможен пожар.', type: 'report' },
  { category: 'housing.yard', territory: KRG, who: 'anonymous', daysAgo: 10, target: 'anonymous', lang: 'ru', text: 'Во дворе постоянно паркуются на газоне.' },
  { category: 'housing.water.quality', territory: KRG, who: '900515301234', daysAgo: 21, target: 'closed', lang: 'kk', text: 'Судың қысымы кешке өте төмен.', type: 'statement' },
  { category: 'roads.pothole', territory: KRG, who: '+77775550104', daysAgo: 24, target: 'in_progress', lang: 'ru', text: 'Разбит тротуар у остановки «Восток-5», люди падают.', isPublic: true },
  { category: 'housing.heating.low', territory: KRG, point: [49.8199, 73.0902], who: '+77085550106', daysAgo: 27, target: 'in_progress', lang: 'kk', text: 'Батареялар жылы емес, пәтерде 16 градус.', extra: { apartment: '88', indoorTemperature: 16 } },
];
