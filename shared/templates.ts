/**
 * The template library (SPEC §2, seed 000 §2.2.6): named workflows whose background step is the backdrop
 * definition. Plain data, shared by server and extension, so the gallery shows what the server will run
 * and charge (the price comes from the steps, like presets).
 */
import type { OutputPresetId } from './presets.js';
import type {
  BackgroundStep,
  ExportStep,
  LightingPreset,
  ShadowStep,
  Texture,
  WorkflowStep,
} from './workflow.js';

export const TEMPLATE_CATEGORIES = ['studio', 'lifestyle', 'ecommerce', 'seasonal'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];
export const TEMPLATE_OCCASIONS = ['ramadan_eid', 'lunar_new_year', 'christmas', 'independence_day'] as const;
export type TemplateOccasion = (typeof TEMPLATE_OCCASIONS)[number];
export const TEMPLATE_PLATFORMS = ['shopee', 'tokopedia', 'tiktok', 'instagram', 'any'] as const;
export type TemplatePlatform = (typeof TEMPLATE_PLATFORMS)[number];
export const TEMPLATE_ASPECTS = ['1:1', '4:5', '9:16'] as const;
export type TemplateAspect = (typeof TEMPLATE_ASPECTS)[number];

export interface Template {
  id: string;
  name: { en: string; id: string };
  category: TemplateCategory;
  /** Only seasonal templates have one. */
  occasion: TemplateOccasion | null;
  platform: TemplatePlatform;
  aspect: TemplateAspect;
  /** Paid tiers' templates (seed §2.2.6 "Premium flag"); the price still comes from the steps. */
  premium: boolean;
  tags: readonly string[];
  /** A valid workflow (checked in templates.test.ts). */
  steps: readonly WorkflowStep[];
}

// ---- building blocks: short names keep the table below readable

const solid = (color: string): BackgroundStep => ({ type: 'background', kind: 'solid', color });
const linear = (from: string, to: string, angle = 180): BackgroundStep => ({
  type: 'background',
  kind: 'linear',
  from,
  to,
  angle,
});
const radial = (inner: string, outer: string): BackgroundStep => ({
  type: 'background',
  kind: 'radial',
  inner,
  outer,
});
const sweep = (color: string): BackgroundStep => ({ type: 'background', kind: 'studio_sweep', color });
const texture = (name: Texture, tint?: string, seed?: number): BackgroundStep => ({
  type: 'background',
  kind: 'texture',
  texture: name,
  ...(tint ? { tint } : {}),
  ...(seed !== undefined ? { seed } : {}),
});

type Light = LightingPreset | 'auto';
const light = (l: Light): WorkflowStep =>
  l === 'auto' ? { type: 'lighting', kind: 'auto' } : { type: 'lighting', kind: 'preset', preset: l };

const floor = (opacity = 0.35, blur = 34, color = '#000000'): ShadowStep => ({
  type: 'shadow',
  kind: 'natural',
  opacity,
  blur,
  angle: 180,
  distance: 0,
  color,
});
const drop = (opacity = 0.3, blur = 18, angle = 135, distance = 20, color = '#1e2430'): ShadowStep => ({
  type: 'shadow',
  kind: 'drop',
  opacity,
  blur,
  angle,
  distance,
  color,
});
const mirror = (opacity = 0.3): ShadowStep => ({
  type: 'shadow',
  kind: 'reflection',
  opacity,
  blur: 2,
  angle: 180,
  distance: 0,
  color: '#000000',
});

/** Where a platform/aspect pair exports to. `any` uses custom exports every target accepts (JPEG). */
function exportFor(platform: TemplatePlatform, aspect: TemplateAspect): ExportStep {
  const presets: Partial<Record<`${TemplatePlatform} ${TemplateAspect}`, OutputPresetId>> = {
    'shopee 1:1': 'shopee-square',
    'tokopedia 1:1': 'tokopedia-square',
    'tiktok 1:1': 'tiktok-square',
    'tiktok 9:16': 'tiktok-vertical',
    'instagram 1:1': 'instagram-square',
    'instagram 4:5': 'instagram-portrait',
  };
  const preset = presets[`${platform} ${aspect}`];
  if (preset) return { type: 'export', kind: 'preset', preset };
  if (platform !== 'any') throw new Error(`no export for ${platform} ${aspect}`);
  const [width, height] = aspect === '1:1' ? [1200, 1200] : aspect === '4:5' ? [1080, 1350] : [1080, 1920];
  // TikTok's rules: its 4000 px ceiling and JPEG fit Shopee, Tokopedia and Instagram too at these sizes.
  return {
    type: 'export',
    kind: 'custom',
    target: 'tiktok',
    width,
    height,
    format: 'jpeg',
    quality: 92,
    padding: 0.1,
  };
}

interface Row {
  id: string;
  en: string;
  id_: string;
  platform?: TemplatePlatform;
  aspect?: TemplateAspect;
  premium?: boolean;
  occasion?: TemplateOccasion;
  tags: string[];
  bg: BackgroundStep;
  light: Light;
  shadow?: ShadowStep;
}

function build(category: TemplateCategory, rows: Row[]): Template[] {
  return rows.map((r) => {
    const platform = r.platform ?? 'any';
    const aspect = r.aspect ?? '1:1';
    const steps: WorkflowStep[] = [
      { type: 'background_removal', method: 'local' },
      r.bg,
      light(r.light),
      ...(r.shadow ? [r.shadow] : []),
      exportFor(platform, aspect),
    ];
    return {
      id: r.id,
      name: { en: r.en, id: r.id_ },
      category,
      occasion: r.occasion ?? null,
      platform,
      aspect,
      premium: r.premium ?? false,
      tags: r.tags,
      steps,
    };
  });
}

const STUDIO = build('studio', [
  {
    id: 'studio-white',
    en: 'White studio',
    id_: 'Studio putih',
    tags: ['white', 'clean'],
    bg: solid('#ffffff'),
    light: 'studio',
    shadow: floor(),
  },
  {
    id: 'studio-black',
    en: 'Black studio',
    id_: 'Studio hitam',
    tags: ['black', 'dark'],
    bg: solid('#111111'),
    light: 'dramatic',
    shadow: mirror(0.35),
  },
  {
    id: 'studio-gray',
    en: 'Gray studio',
    id_: 'Studio abu-abu',
    tags: ['gray', 'neutral'],
    bg: solid('#b9bcc0'),
    light: 'studio',
    shadow: floor(0.4),
  },
  {
    id: 'studio-white-sweep',
    en: 'White paper sweep',
    id_: 'Latar kertas putih',
    premium: true,
    tags: ['white', 'sweep'],
    bg: sweep('#f4f5f7'),
    light: 'bright',
    shadow: floor(0.3),
  },
  {
    id: 'studio-charcoal-sweep',
    en: 'Charcoal sweep',
    id_: 'Latar arang',
    premium: true,
    tags: ['dark', 'sweep'],
    bg: sweep('#2b2d31'),
    light: 'moody',
    shadow: floor(0.5, 40),
  },
  {
    id: 'studio-pastel-pink',
    en: 'Pastel pink',
    id_: 'Merah muda pastel',
    platform: 'instagram',
    tags: ['pastel', 'pink'],
    bg: solid('#f8d7e0'),
    light: 'bright',
    shadow: floor(0.25, 30, '#7a3d4e'),
  },
  {
    id: 'studio-pastel-mint',
    en: 'Pastel mint',
    id_: 'Mint pastel',
    platform: 'instagram',
    tags: ['pastel', 'green'],
    bg: solid('#d4f1e4'),
    light: 'bright',
    shadow: floor(0.25, 30, '#2f5e4a'),
  },
  {
    id: 'studio-pastel-lavender',
    en: 'Pastel lavender',
    id_: 'Lavender pastel',
    platform: 'instagram',
    aspect: '4:5',
    tags: ['pastel', 'purple'],
    bg: solid('#e3dcf5'),
    light: 'natural',
    shadow: floor(0.25),
  },
  {
    id: 'studio-bold-yellow',
    en: 'Bold yellow',
    id_: 'Kuning cerah',
    platform: 'tiktok',
    tags: ['bold', 'yellow'],
    bg: solid('#ffd23f'),
    light: 'bright',
    shadow: drop(0.35, 12, 135, 24, '#6b5200'),
  },
  {
    id: 'studio-bold-blue',
    en: 'Bold blue',
    id_: 'Biru tegas',
    platform: 'tiktok',
    tags: ['bold', 'blue'],
    bg: solid('#1f5fd1'),
    light: 'dramatic',
    shadow: drop(0.4, 16, 135, 24, '#0b1f4a'),
  },
  {
    id: 'studio-coral',
    en: 'Coral pop',
    id_: 'Koral ceria',
    platform: 'tiktok',
    aspect: '9:16',
    tags: ['bold', 'coral'],
    bg: solid('#ff7f6b'),
    light: 'bright',
    shadow: floor(0.3),
  },
  {
    id: 'studio-sky-gradient',
    en: 'Sky gradient',
    id_: 'Gradasi langit',
    tags: ['gradient', 'blue'],
    bg: linear('#e9f3ff', '#9cc3f0'),
    light: 'natural',
    shadow: floor(0.3),
  },
  {
    id: 'studio-sunset-gradient',
    en: 'Sunset gradient',
    id_: 'Gradasi senja',
    platform: 'instagram',
    aspect: '4:5',
    tags: ['gradient', 'warm'],
    bg: linear('#ffd1a1', '#f28a8a', 160),
    light: 'natural',
    shadow: floor(0.3, 36, '#5a2a1a'),
  },
  {
    id: 'studio-spotlight',
    en: 'Spotlight',
    id_: 'Sorotan',
    premium: true,
    tags: ['radial', 'spotlight'],
    bg: radial('#ffffff', '#9aa3ad'),
    light: 'dramatic',
    shadow: drop(),
  },
  {
    id: 'studio-noir-spotlight',
    en: 'Noir spotlight',
    id_: 'Sorotan noir',
    premium: true,
    platform: 'tiktok',
    aspect: '9:16',
    tags: ['radial', 'dark'],
    bg: radial('#4a4d55', '#0c0d10'),
    light: 'moody',
    shadow: mirror(0.4),
  },
]);

const LIFESTYLE = build('lifestyle', [
  {
    id: 'lifestyle-kitchen-marble',
    en: 'Kitchen counter (marble)',
    id_: 'Meja dapur (marmer)',
    tags: ['kitchen', 'marble'],
    bg: texture('marble'),
    light: 'natural',
    shadow: mirror(),
  },
  {
    id: 'lifestyle-kitchen-wood',
    en: 'Kitchen table (wood)',
    id_: 'Meja dapur (kayu)',
    tags: ['kitchen', 'wood'],
    bg: texture('wood', undefined, 3),
    light: 'natural',
    shadow: floor(0.4),
  },
  {
    id: 'lifestyle-office-desk',
    en: 'Office desk',
    id_: 'Meja kantor',
    platform: 'tokopedia',
    tags: ['office', 'wood'],
    bg: texture('wood', '#c8b59a', 7),
    light: 'studio',
    shadow: drop(0.3, 20, 150, 18),
  },
  {
    id: 'lifestyle-outdoor-table',
    en: 'Outdoor table',
    id_: 'Meja teras',
    premium: true,
    tags: ['outdoor', 'wood'],
    bg: texture('wood', '#e0c9a6', 11),
    light: 'bright',
    shadow: drop(0.35, 14, 120, 28, '#3b2a14'),
  },
  {
    id: 'lifestyle-living-linen',
    en: 'Living room linen',
    id_: 'Linen ruang tamu',
    platform: 'instagram',
    aspect: '4:5',
    tags: ['living room', 'linen'],
    bg: texture('linen'),
    light: 'natural',
    shadow: floor(0.3),
  },
  {
    id: 'lifestyle-bedroom-linen',
    en: 'Bedroom sheets',
    id_: 'Seprai kamar tidur',
    platform: 'instagram',
    tags: ['bedroom', 'linen'],
    bg: texture('linen', '#f3e9ec', 5),
    light: 'bright',
    shadow: floor(0.25),
  },
  {
    id: 'lifestyle-cafe-wood',
    en: 'Cafe table',
    id_: 'Meja kafe',
    premium: true,
    platform: 'instagram',
    tags: ['cafe', 'wood'],
    bg: texture('wood', '#9c7a5b', 21),
    light: 'moody',
    shadow: drop(0.4, 20, 160, 22, '#22160c'),
  },
  {
    id: 'lifestyle-restaurant-marble',
    en: 'Restaurant marble',
    id_: 'Marmer restoran',
    premium: true,
    platform: 'instagram',
    aspect: '4:5',
    tags: ['restaurant', 'marble'],
    bg: texture('marble', '#efe6da', 9),
    light: 'dramatic',
    shadow: mirror(0.35),
  },
  {
    id: 'lifestyle-loft-concrete',
    en: 'Urban loft concrete',
    id_: 'Beton loteng urban',
    tags: ['urban', 'concrete'],
    bg: texture('concrete'),
    light: 'moody',
    shadow: floor(0.45),
  },
  {
    id: 'lifestyle-workshop-concrete',
    en: 'Workshop bench',
    id_: 'Meja bengkel',
    platform: 'tokopedia',
    tags: ['workshop', 'concrete'],
    bg: texture('concrete', '#b8b1a6', 4),
    light: 'dramatic',
    shadow: drop(0.35, 16, 135, 22),
  },
  {
    id: 'lifestyle-spa-marble',
    en: 'Spa marble',
    id_: 'Marmer spa',
    premium: true,
    platform: 'instagram',
    tags: ['spa', 'beauty', 'marble'],
    bg: texture('marble', '#e6f2ee', 13),
    light: 'bright',
    shadow: mirror(0.25),
  },
  {
    id: 'lifestyle-morning-window',
    en: 'Morning window light',
    id_: 'Cahaya jendela pagi',
    platform: 'instagram',
    aspect: '4:5',
    tags: ['morning', 'warm'],
    bg: linear('#fff7e8', '#f1dcc0', 135),
    light: 'natural',
    shadow: drop(0.25, 30, 120, 30, '#5a4020'),
  },
  {
    id: 'lifestyle-boho-linen',
    en: 'Boho linen',
    id_: 'Linen boho',
    platform: 'tiktok',
    aspect: '9:16',
    tags: ['boho', 'linen'],
    bg: texture('linen', '#e8d2b8', 17),
    light: 'natural',
    shadow: floor(0.3),
  },
  {
    id: 'lifestyle-garden-green',
    en: 'Garden green',
    id_: 'Hijau taman',
    platform: 'tiktok',
    tags: ['outdoor', 'green'],
    bg: radial('#e6f4d7', '#9cc58a'),
    light: 'bright',
    shadow: floor(0.35, 30, '#1d3a12'),
  },
  {
    id: 'lifestyle-dark-wood',
    en: 'Dark wood shelf',
    id_: 'Rak kayu gelap',
    premium: true,
    tags: ['wood', 'dark'],
    bg: texture('wood', '#6b4a33', 29),
    light: 'moody',
    shadow: floor(0.5, 40),
  },
]);

const ECOMMERCE = build('ecommerce', [
  {
    id: 'shopee-pure-white',
    en: 'Shopee pure white',
    id_: 'Shopee putih bersih',
    platform: 'shopee',
    tags: ['shopee', 'white'],
    bg: solid('#ffffff'),
    light: 'auto',
    shadow: floor(0.35, 36),
  },
  {
    id: 'shopee-bright-white',
    en: 'Shopee bright white',
    id_: 'Shopee putih terang',
    platform: 'shopee',
    tags: ['shopee', 'white', 'bright'],
    bg: solid('#ffffff'),
    light: 'bright',
    shadow: floor(0.3, 36),
  },
  {
    id: 'shopee-soft-gray',
    en: 'Shopee soft gray',
    id_: 'Shopee abu lembut',
    platform: 'shopee',
    tags: ['shopee', 'gray'],
    bg: linear('#ffffff', '#e6e8eb'),
    light: 'studio',
    shadow: floor(0.35, 36),
  },
  {
    id: 'shopee-orange-accent',
    en: 'Shopee orange accent',
    id_: 'Shopee aksen oranye',
    platform: 'shopee',
    tags: ['shopee', 'orange', 'promo'],
    bg: radial('#ffffff', '#ffd3bf'),
    light: 'bright',
    shadow: drop(0.3, 18, 135, 20, '#7a2e12'),
  },
  {
    id: 'tokopedia-clean-white',
    en: 'Tokopedia clean white',
    id_: 'Tokopedia putih bersih',
    platform: 'tokopedia',
    tags: ['tokopedia', 'white'],
    bg: solid('#ffffff'),
    light: 'auto',
    shadow: floor(0.35, 36),
  },
  {
    id: 'tokopedia-bright',
    en: 'Tokopedia bright',
    id_: 'Tokopedia terang',
    platform: 'tokopedia',
    tags: ['tokopedia', 'bright'],
    bg: solid('#ffffff'),
    light: 'bright',
    shadow: floor(0.25, 36),
  },
  {
    id: 'tokopedia-green-accent',
    en: 'Tokopedia green accent',
    id_: 'Tokopedia aksen hijau',
    platform: 'tokopedia',
    tags: ['tokopedia', 'green', 'promo'],
    bg: radial('#ffffff', '#cdeccf'),
    light: 'studio',
    shadow: floor(0.3, 36),
  },
  {
    id: 'tiktok-clean-square',
    en: 'TikTok Shop clean square',
    id_: 'TikTok Shop persegi bersih',
    platform: 'tiktok',
    tags: ['tiktok', 'white'],
    bg: solid('#ffffff'),
    light: 'auto',
    shadow: floor(0.35, 32),
  },
  {
    id: 'tiktok-vertical-white',
    en: 'TikTok Shop vertical white',
    id_: 'TikTok Shop vertikal putih',
    platform: 'tiktok',
    aspect: '9:16',
    tags: ['tiktok', 'white', 'vertical'],
    bg: solid('#ffffff'),
    light: 'bright',
    shadow: floor(0.3, 32),
  },
  {
    id: 'tiktok-vertical-sweep',
    en: 'TikTok Shop vertical sweep',
    id_: 'TikTok Shop latar vertikal',
    premium: true,
    platform: 'tiktok',
    aspect: '9:16',
    tags: ['tiktok', 'sweep', 'vertical'],
    bg: sweep('#eef1f5'),
    light: 'studio',
    shadow: floor(0.3, 32),
  },
  {
    id: 'instagram-feed-square',
    en: 'Instagram feed square',
    id_: 'Feed Instagram persegi',
    platform: 'instagram',
    tags: ['instagram', 'white'],
    bg: solid('#fafafa'),
    light: 'studio',
    shadow: floor(0.3, 32),
  },
  {
    id: 'instagram-feed-portrait',
    en: 'Instagram feed portrait',
    id_: 'Feed Instagram potret',
    platform: 'instagram',
    aspect: '4:5',
    tags: ['instagram', 'portrait'],
    bg: linear('#f7f2ec', '#ddd3c7'),
    light: 'studio',
    shadow: floor(0.3, 32),
  },
  {
    id: 'marketplace-amazon-white',
    en: 'Amazon-style pure white',
    id_: 'Putih murni ala Amazon',
    tags: ['white', 'centered'],
    bg: solid('#ffffff'),
    light: 'auto',
  },
  {
    id: 'marketplace-catalog-gray',
    en: 'Catalog light gray',
    id_: 'Katalog abu muda',
    tags: ['catalog', 'gray'],
    bg: solid('#f2f3f5'),
    light: 'studio',
    shadow: floor(0.3),
  },
  {
    id: 'marketplace-hero-sweep',
    en: 'Hero shot sweep',
    id_: 'Foto utama latar sweep',
    premium: true,
    tags: ['hero', 'sweep'],
    bg: sweep('#ffffff'),
    light: 'studio',
    shadow: mirror(0.25),
  },
]);

const SEASONAL = build('seasonal', [
  {
    id: 'ramadan-emerald-gold',
    en: 'Ramadan emerald & gold',
    id_: 'Ramadan zamrud & emas',
    occasion: 'ramadan_eid',
    tags: ['ramadan', 'green', 'gold'],
    bg: radial('#1f7a4d', '#0b3d26'),
    light: 'dramatic',
    shadow: drop(0.35, 20, 135, 20, '#c9a227'),
  },
  {
    id: 'eid-gold-glow',
    en: 'Eid golden glow',
    id_: 'Lebaran cahaya emas',
    occasion: 'ramadan_eid',
    premium: true,
    platform: 'instagram',
    aspect: '4:5',
    tags: ['eid', 'lebaran', 'gold'],
    bg: linear('#f6e7b0', '#c9a227'),
    light: 'bright',
    shadow: floor(0.3, 36, '#5a4410'),
  },
  {
    id: 'lebaran-green-marble',
    en: 'Lebaran green marble',
    id_: 'Lebaran marmer hijau',
    occasion: 'ramadan_eid',
    premium: true,
    tags: ['lebaran', 'green', 'marble'],
    bg: texture('marble', '#cfe8d6', 31),
    light: 'natural',
    shadow: mirror(0.3),
  },
  {
    id: 'lunar-new-year-red-gold',
    en: 'Lunar New Year red & gold',
    id_: 'Imlek merah & emas',
    occasion: 'lunar_new_year',
    tags: ['imlek', 'red', 'gold'],
    bg: radial('#d4202c', '#7a0c12'),
    light: 'dramatic',
    shadow: drop(0.4, 18, 135, 22, '#e0b43a'),
  },
  {
    id: 'lunar-new-year-lantern',
    en: 'Lantern glow',
    id_: 'Cahaya lampion',
    occasion: 'lunar_new_year',
    premium: true,
    platform: 'tiktok',
    aspect: '9:16',
    tags: ['imlek', 'red'],
    bg: linear('#e23a2e', '#8e0f14'),
    light: 'moody',
    shadow: floor(0.45, 36, '#3a0306'),
  },
  {
    id: 'lunar-new-year-gold-silk',
    en: 'Gold silk',
    id_: 'Sutra emas',
    occasion: 'lunar_new_year',
    premium: true,
    platform: 'instagram',
    tags: ['imlek', 'gold'],
    bg: texture('linen', '#e8c15a', 8),
    light: 'bright',
    shadow: floor(0.35),
  },
  {
    id: 'christmas-red-green',
    en: 'Christmas red & green',
    id_: 'Natal merah & hijau',
    occasion: 'christmas',
    tags: ['christmas', 'natal', 'red', 'green'],
    bg: linear('#c62828', '#1b5e20', 135),
    light: 'dramatic',
    shadow: drop(0.35, 18, 135, 20, '#0d2b0f'),
  },
  {
    id: 'christmas-snow-white',
    en: 'Snowy white',
    id_: 'Putih salju',
    occasion: 'christmas',
    platform: 'instagram',
    aspect: '4:5',
    tags: ['christmas', 'natal', 'white'],
    bg: radial('#ffffff', '#dbe7ef'),
    light: 'bright',
    shadow: floor(0.25, 36, '#2a4a5c'),
  },
  {
    id: 'christmas-pine-wood',
    en: 'Pine cabin',
    id_: 'Kabin pinus',
    occasion: 'christmas',
    premium: true,
    tags: ['christmas', 'natal', 'wood'],
    bg: texture('wood', '#8a5a3c', 12),
    light: 'moody',
    shadow: floor(0.5, 40),
  },
  {
    id: 'independence-merah-putih',
    en: 'Red & white (17 August)',
    id_: 'Merah putih (17 Agustus)',
    occasion: 'independence_day',
    tags: ['17 agustus', 'merdeka', 'red', 'white'],
    bg: linear('#e11d2e', '#ffffff', 180),
    light: 'bright',
    shadow: floor(0.3),
  },
  {
    id: 'independence-bold-red',
    en: 'Merdeka bold red',
    id_: 'Merdeka merah tegas',
    occasion: 'independence_day',
    platform: 'tiktok',
    aspect: '9:16',
    tags: ['17 agustus', 'merdeka', 'red'],
    bg: solid('#d71920'),
    light: 'dramatic',
    shadow: drop(0.35, 16, 135, 24, '#4a0508'),
  },
  {
    id: 'independence-white-sweep',
    en: 'Merdeka white sweep',
    id_: 'Merdeka latar putih',
    occasion: 'independence_day',
    premium: true,
    platform: 'shopee',
    tags: ['17 agustus', 'merdeka', 'white'],
    bg: sweep('#fdf2f2'),
    light: 'studio',
    shadow: drop(0.3, 18, 135, 20, '#b3121c'),
  },
]);

export const TEMPLATES: readonly Template[] = [...STUDIO, ...LIFESTYLE, ...ECOMMERCE, ...SEASONAL];

const BY_ID = new Map(TEMPLATES.map((t) => [t.id, t]));
export function findTemplate(id: string): Template | undefined {
  return BY_ID.get(id);
}
