/**
 * Extension UI text in English and Bahasa Indonesia. Labels shared with other surfaces come from
 * shared/i18n.ts; everything only the extension shows lives here. Same keys in both languages, always.
 */
import type { Locale } from '../../shared/errors';
import { UI_TEXT } from '../../shared/i18n';

const credits = (n: number): string => `${n} ${n === 1 ? 'credit' : 'credits'}`;

export const TEXT = {
  // ---- content script (seller center)
  enhance: UI_TEXT.enhance,
  close: { en: 'Close', id: 'Tutup' },
  loading: { en: 'Loading…', id: 'Memuat…' },
  loginHint: {
    en: 'Log in to Lumiku first: click the Lumiku icon in the browser toolbar, then "Log in / Sign up".',
    id: 'Masuk ke Lumiku dulu: klik ikon Lumiku di toolbar browser, lalu "Masuk / Daftar".',
  },
  photoNumber: { en: (slot: number) => `Photo ${slot + 1}`, id: (slot: number) => `Foto ${slot + 1}` },
  preset: { en: 'Style', id: 'Gaya' },
  price: { en: 'Price', id: 'Harga' },
  credits: { en: credits, id: (n: number) => `${n} kredit` },
  balance: { en: (n: number) => `Your balance: ${credits(n)}`, id: (n: number) => `Saldo Anda: ${n} kredit` },
  start: { en: (n: number) => `Start (${credits(n)})`, id: (n: number) => `Mulai (${n} kredit)` },
  starting: { en: 'Starting…', id: 'Memulai…' },
  queued: { en: 'Waiting in line…', id: 'Menunggu antrean…' },
  enhancing: { en: (p: number) => `Enhancing… ${p}%`, id: (p: number) => `Sedang diproses… ${p}%` },
  done: { en: 'Done! Compare, then replace.', id: 'Selesai! Bandingkan, lalu ganti.' },
  previewLoading: { en: 'Loading preview…', id: 'Memuat pratinjau…' },
  checkResult: {
    en: 'The background was hard to separate (busy, or close to the product’s colour): check the edges, and that nothing beside the product was kept, before replacing.',
    id: 'Latar sulit dipisahkan (ramai, atau warnanya mirip produk): periksa tepinya, dan pastikan tidak ada benda lain yang ikut terpotong, sebelum mengganti.',
  },
  before: { en: 'Before', id: 'Sebelum' },
  after: { en: 'After', id: 'Sesudah' },
  replace: { en: 'Replace on listing', id: 'Ganti di produk' },
  replacing: { en: 'Replacing…', id: 'Mengganti…' },
  replaced: { en: 'Replaced', id: 'Berhasil diganti' },
  revert: { en: 'Revert', id: 'Kembalikan' },
  reverting: { en: 'Reverting…', id: 'Mengembalikan…' },
  reverted: { en: 'Original photo restored', id: 'Foto asli dikembalikan' },
  tryAgain: { en: 'Try again', id: 'Coba lagi' },
  reconnectShop: { en: 'Reconnect shop', id: 'Hubungkan ulang toko' },
  changeLook: { en: 'Change look', id: 'Ganti gaya' },
  hideLooks: { en: 'Hide looks', id: 'Tutup pilihan gaya' },
  lookPicker: { en: 'Choose a look', id: 'Pilih gaya' },
  lookTabs: { en: 'Look categories', id: 'Kategori gaya' },
  premium: { en: 'Premium', id: 'Premium' },
  locked: {
    en: 'Premium templates come with the Professional and Premium plans.',
    id: 'Template premium tersedia di paket Profesional dan Premium.',
  },
  lockedLabel: { en: 'locked', id: 'terkunci' },
  noLooks: { en: 'No looks for this marketplace here.', id: 'Belum ada gaya untuk marketplace ini.' },
  connectShop: { en: 'Connect shop', id: 'Hubungkan toko' },

  // ---- popup
  creditBalance: { en: 'Credit balance', id: 'Saldo kredit' },
  plan: { en: 'Plan', id: 'Paket' },
  monthUsage: { en: 'Used this month', id: 'Terpakai bulan ini' },
  recentJobs: { en: 'Recent photos', id: 'Foto terbaru' },
  noJobs: {
    en: 'No photos yet. Open a product in your Shopee, Tokopedia or TikTok Shop seller center and click "Enhance photo".',
    id: 'Belum ada foto. Buka produk di seller center Shopee, Tokopedia, atau TikTok Shop lalu klik "Percantik foto".',
  },
  reauthWarning: {
    en: 'A shop connection needs reconnecting.',
    id: 'Koneksi toko perlu dihubungkan ulang.',
  },
  reconnect: { en: 'Reconnect', id: 'Hubungkan ulang' },
  loggedOut: {
    en: 'Log in to see your credits and photos.',
    id: 'Masuk untuk melihat kredit dan foto Anda.',
  },
  openSettings: { en: 'Log in / Sign up', id: 'Masuk / Daftar' },
  settings: { en: 'Settings', id: 'Pengaturan' },
  selectAll: { en: 'Select all', id: 'Pilih semua' },
  selectPhoto: {
    en: (slot: number) => `Add photo ${slot + 1} to the ZIP`,
    id: (slot: number) => `Masukkan foto ${slot + 1} ke ZIP`,
  },
  exportTitle: { en: 'Download as ZIP', id: 'Unduh sebagai ZIP' },
  exportNeedsPaidPlan: {
    en: 'ZIP export needs a paid plan.',
    id: 'Ekspor ZIP membutuhkan paket berbayar.',
  },
  exportPickPhotos: {
    en: 'Tick finished photos above to put them in a ZIP.',
    id: 'Centang foto yang sudah selesai di atas untuk dimasukkan ke ZIP.',
  },
  exportFormat: { en: 'Format', id: 'Format' },
  formatBoth: { en: 'JPG + PNG', id: 'JPG + PNG' },
  exportPlatforms: {
    en: 'Plus every marketplace size',
    id: 'Plus semua ukuran marketplace',
  },
  needsProfessional: { en: 'Professional plan', id: 'Paket Profesional' },
  needsPremium: { en: 'Premium plan', id: 'Paket Premium' },
  exportCreate: {
    en: ({ photos, price }: { photos: number; price: number }) =>
      `Create ZIP: ${photos} ${photos === 1 ? 'photo' : 'photos'}, ${credits(price)}`,
    id: ({ photos, price }: { photos: number; price: number }) => `Buat ZIP: ${photos} foto, ${price} kredit`,
  },
  exportCreating: { en: 'Starting…', id: 'Memulai…' },
  exportBuilding: { en: (p: number) => `Building ZIP… ${p}%`, id: (p: number) => `Membuat ZIP… ${p}%` },
  exportReady: {
    en: ({ photos, size }: { photos: number; size: string }) =>
      `ZIP ready: ${photos} ${photos === 1 ? 'photo' : 'photos'}, ${size}`,
    id: ({ photos, size }: { photos: number; size: string }) => `ZIP siap: ${photos} foto, ${size}`,
  },
  exportKeptUntil: {
    en: (date: string) => `Kept until ${date}`,
    id: (date: string) => `Disimpan sampai ${date}`,
  },
  exportDownload: { en: 'Download ZIP', id: 'Unduh ZIP' },
  exportDownloading: { en: 'Downloading…', id: 'Mengunduh…' },
  exportDownloadStarted: {
    en: (file: string) => `Saving ${file}. See your browser's downloads.`,
    id: (file: string) => `Menyimpan ${file}. Lihat unduhan di browser Anda.`,
  },
  exportNew: { en: 'New ZIP', id: 'ZIP baru' },

  // ---- options page
  settingsTitle: { en: 'Lumiku Seller Studio settings', id: 'Pengaturan Lumiku Seller Studio' },
  signupTitle: { en: 'Create an account', id: 'Buat akun' },
  loginTitle: { en: 'Log in', id: 'Masuk' },
  email: { en: 'Email', id: 'Email' },
  password: { en: 'Password', id: 'Kata sandi' },
  passwordHint: { en: 'At least 8 characters', id: 'Minimal 8 karakter' },
  signupSubmit: { en: 'Sign up', id: 'Daftar' },
  loginSubmit: { en: 'Log in', id: 'Masuk' },
  logout: { en: 'Log out', id: 'Keluar' },
  loggedInAs: {
    en: (email: string) => `Logged in as ${email}`,
    id: (email: string) => `Masuk sebagai ${email}`,
  },
  language: { en: 'Language', id: 'Bahasa' },
  shops: { en: 'Connected shops', id: 'Toko terhubung' },
  connectShopee: { en: 'Connect Shopee shop', id: 'Hubungkan toko Shopee' },
  connectTiktok: { en: 'Connect TikTok Shop / Tokopedia', id: 'Hubungkan TikTok Shop / Tokopedia' },
  connectHint: {
    en: 'The marketplace opens in a new tab. Authorize Lumiku there; the shop appears here when you come back. One TikTok Shop authorization covers your Tokopedia listings too.',
    id: 'Marketplace terbuka di tab baru. Izinkan Lumiku di sana; toko akan muncul di sini saat Anda kembali. Satu otorisasi TikTok Shop juga mencakup produk Tokopedia Anda.',
  },
  noShops: { en: 'No shop connected yet.', id: 'Belum ada toko yang terhubung.' },
  disconnect: { en: 'Disconnect', id: 'Putuskan' },
  ledger: { en: 'Credit history', id: 'Riwayat kredit' },
  noLedger: { en: 'No credit activity yet.', id: 'Belum ada aktivitas kredit.' },
  date: { en: 'Date', id: 'Tanggal' },
  kind: { en: 'Type', id: 'Jenis' },
  change: { en: 'Change', id: 'Perubahan' },
  balanceAfter: { en: 'Balance', id: 'Saldo' },
} as const satisfies Record<string, Record<Locale, string | ((arg: never) => string)>>;

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', id: 'Bahasa Indonesia' };

export const TIER_NAMES = {
  free: { en: 'Free', id: 'Gratis' },
  payg: { en: 'Pay as you go', id: 'Bayar sesuai pakai' },
  professional: { en: 'Professional', id: 'Profesional' },
  premium: { en: 'Premium', id: 'Premium' },
} as const satisfies Record<string, Record<Locale, string>>;

export const JOB_STATUS_NAMES = {
  queued: { en: 'Queued', id: 'Antre' },
  processing: { en: 'Processing', id: 'Diproses' },
  succeeded: { en: 'Done', id: 'Selesai' },
  failed: { en: 'Failed', id: 'Gagal' },
} as const satisfies Record<string, Record<Locale, string>>;

export const CONNECTION_STATUS_NAMES = {
  active: { en: 'Connected', id: 'Terhubung' },
  needs_reauth: { en: 'Needs reconnecting', id: 'Perlu dihubungkan ulang' },
} as const satisfies Record<string, Record<Locale, string>>;

/** The marketplace's review state after an edit (TikTok Shop / Tokopedia); other values are not shown. */
export const AUDIT_STATUS_NAMES: Partial<Record<string, Record<Locale, string>>> = {
  AUDITING: { en: 'Under review', id: 'Menunggu peninjauan' },
  APPROVED: { en: 'Approved', id: 'Disetujui' },
};

/** The look picker's tabs: the presets, then the template categories (shared/templates.ts). */
export const LOOK_TAB_NAMES = {
  presets: { en: 'Presets', id: 'Preset' },
  studio: { en: 'Studio', id: 'Studio' },
  lifestyle: { en: 'Lifestyle', id: 'Gaya hidup' },
  ecommerce: { en: 'E-commerce', id: 'E-commerce' },
  seasonal: { en: 'Seasonal', id: 'Musiman' },
} as const satisfies Record<string, Record<Locale, string>>;

export const LEDGER_KIND_NAMES = {
  grant: { en: 'Monthly credits', id: 'Kredit bulanan' },
  topup: { en: 'Top-up', id: 'Isi ulang' },
  adjustment: { en: 'Adjustment', id: 'Penyesuaian' },
  hold: { en: 'Reserved for a photo', id: 'Dicadangkan untuk foto' },
  capture: { en: 'Charged', id: 'Ditagih' },
  release: { en: 'Returned', id: 'Dikembalikan' },
} as const satisfies Record<string, Record<Locale, string>>;

/** Every key's text in one language: `const t = textFor(locale); t.start(28)`. */
export type Text = { [K in keyof typeof TEXT]: (typeof TEXT)[K]['en'] };

export function textFor(locale: Locale): Text {
  return Object.fromEntries(Object.entries(TEXT).map(([key, value]) => [key, value[locale]])) as Text;
}
