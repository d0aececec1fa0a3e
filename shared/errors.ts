/**
 * Stable error codes of the API, their HTTP status, and the text a seller reads in each language.
 * The server sends `{ error: { code, message } }` with `message` in the request's language; the extension
 * may re-translate by `code` so its UI language wins.
 */
export const ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    en: 'Some fields are missing or invalid.',
    id: 'Ada isian yang kosong atau tidak valid.',
  },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    en: 'The request needs an Idempotency-Key header.',
    id: 'Permintaan ini membutuhkan header Idempotency-Key.',
  },
  IMAGE_URL_NOT_ALLOWED: {
    status: 400,
    en: 'That image address is not a marketplace image.',
    id: 'Alamat gambar itu bukan gambar marketplace.',
  },
  OAUTH_STATE_INVALID: {
    status: 400,
    en: 'This connection link is invalid or was already used. Start again from the extension.',
    id: 'Tautan koneksi ini tidak valid atau sudah dipakai. Mulai lagi dari ekstensi.',
  },
  UNAUTHENTICATED: { status: 401, en: 'Please log in again.', id: 'Silakan masuk lagi.' },
  INVALID_CREDENTIALS: { status: 401, en: 'Wrong email or password.', id: 'Email atau kata sandi salah.' },
  INSUFFICIENT_CREDITS: {
    status: 402,
    en: 'Not enough credits for this. Top up your credits to continue.',
    id: 'Kredit tidak cukup. Isi ulang kredit untuk melanjutkan.',
  },
  FORBIDDEN: {
    status: 403,
    en: 'You are not allowed to do that.',
    id: 'Anda tidak diizinkan melakukan itu.',
  },
  EXPORT_NOT_IN_PLAN: {
    status: 403,
    en: 'ZIP export is not part of the Free plan. Upgrade to Pay-as-you-go, Professional or Premium to export.',
    id: 'Ekspor ZIP tidak termasuk paket Gratis. Tingkatkan ke Pay-as-you-go, Professional, atau Premium untuk mengekspor.',
  },
  EXPORT_MULTI_FORMAT_NOT_IN_PLAN: {
    status: 403,
    en: 'Exporting several formats at once needs a Professional or Premium plan. Choose one format, or upgrade.',
    id: 'Ekspor beberapa format sekaligus membutuhkan paket Professional atau Premium. Pilih satu format, atau tingkatkan paket.',
  },
  EXPORT_MULTI_PLATFORM_NOT_IN_PLAN: {
    status: 403,
    en: 'Exporting for several platforms needs a Premium plan. Upgrade to Premium to use it.',
    id: 'Ekspor untuk beberapa platform membutuhkan paket Premium. Tingkatkan ke Premium untuk memakainya.',
  },
  TEMPLATE_NOT_IN_PLAN: {
    status: 403,
    en: 'This template needs a Professional or Premium plan.',
    id: 'Template ini membutuhkan paket Professional atau Premium.',
  },
  NOT_FOUND: { status: 404, en: 'Not found.', id: 'Tidak ditemukan.' },
  EMAIL_TAKEN: {
    status: 409,
    en: 'An account with this email already exists.',
    id: 'Akun dengan email ini sudah ada.',
  },
  IDEMPOTENCY_IN_FLIGHT: {
    status: 409,
    en: 'The same request is still being processed.',
    id: 'Permintaan yang sama masih diproses.',
  },
  JOB_NOT_READY: { status: 409, en: 'The photo is not finished yet.', id: 'Foto belum selesai diproses.' },
  EXPORT_ITEMS_NOT_READY: {
    status: 409,
    en: 'Only finished photos can be exported. Some of the chosen photos are still processing or failed.',
    id: 'Hanya foto yang sudah selesai yang bisa diekspor. Beberapa foto yang dipilih masih diproses atau gagal.',
  },
  EXPORT_NOT_READY: {
    status: 409,
    en: 'The ZIP file is still being prepared.',
    id: 'File ZIP masih disiapkan.',
  },
  EXPORT_FAILED: {
    status: 409,
    en: 'This export failed and your credits were returned. Start a new export.',
    id: 'Ekspor ini gagal dan kredit Anda dikembalikan. Mulai ekspor baru.',
  },
  EXPORT_EXPIRED: {
    status: 410,
    en: 'This export has expired and its ZIP file was deleted. Start a new export.',
    id: 'Ekspor ini sudah kedaluwarsa dan file ZIP-nya dihapus. Mulai ekspor baru.',
  },
  CONNECTION_REQUIRED: {
    status: 409,
    en: 'Connect this shop in the extension settings first.',
    id: 'Hubungkan toko ini dulu di pengaturan ekstensi.',
  },
  CONNECTION_NEEDS_REAUTH: {
    status: 409,
    en: 'The shop connection expired. Reconnect the shop in the extension settings.',
    id: 'Koneksi toko kedaluwarsa. Hubungkan ulang toko di pengaturan ekstensi.',
  },
  LISTING_CHANGED: {
    status: 409,
    en: 'The listing changed since the photo was taken. Reload the page and try again.',
    id: 'Produk berubah sejak foto diambil. Muat ulang halaman lalu coba lagi.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, en: 'The file is too large.', id: 'Ukuran file terlalu besar.' },
  UNSUPPORTED_IMAGE: {
    status: 415,
    en: 'This file is not a JPEG, PNG or WebP image.',
    id: 'File ini bukan gambar JPEG, PNG, atau WebP.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    en: 'This Idempotency-Key was already used for a different request.',
    id: 'Idempotency-Key ini sudah dipakai untuk permintaan lain.',
  },
  IMAGE_INVALID: {
    status: 422,
    en: 'The image is damaged or too large to process.',
    id: 'Gambar rusak atau terlalu besar untuk diproses.',
  },
  IMAGE_FETCH_FAILED: {
    status: 422,
    en: 'Could not download the image from the marketplace.',
    id: 'Gagal mengunduh gambar dari marketplace.',
  },
  LISTING_IN_PROMOTION: {
    status: 409,
    en: 'This product is in a promotion; the marketplace does not allow changing its photos until the promotion ends.',
    id: 'Produk ini sedang promo; marketplace tidak mengizinkan mengganti fotonya sampai promo selesai.',
  },
  NOTHING_TO_REVERT: {
    status: 409,
    en: 'There is no replaced photo to put back for this slot.',
    id: 'Tidak ada foto lama yang bisa dikembalikan untuk slot ini.',
  },
  AI_NOT_ENABLED: {
    status: 422,
    en: 'AI scenes and AI relighting are not enabled on this server. Nothing was charged.',
    id: 'Latar AI dan pencahayaan AI belum diaktifkan di server ini. Tidak ada kredit terpakai.',
  },
  MARKETPLACE_REJECTED: {
    status: 422,
    en: 'The marketplace refused the change.',
    id: 'Marketplace menolak perubahan.',
  },
  RATE_LIMITED: {
    status: 429,
    en: 'Too many attempts. Wait a moment and try again.',
    id: 'Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.',
  },
  FEATURE_UNAVAILABLE: {
    status: 501,
    en: 'This feature is not available on this server yet.',
    id: 'Fitur ini belum tersedia di server ini.',
  },
  INTERNAL: {
    status: 500,
    en: 'Something went wrong on our side. Nothing was charged; try again.',
    id: 'Terjadi kesalahan di sistem kami. Tidak ada kredit terpakai; coba lagi.',
  },
  MARKETPLACE_UNAVAILABLE: {
    status: 502,
    en: 'The marketplace is not answering. Try again in a few minutes.',
    id: 'Marketplace tidak merespons. Coba lagi beberapa menit lagi.',
  },
  AI_PROVIDER_FAILED: {
    status: 502,
    en: 'The AI service could not create this image. Your credits were returned.',
    id: 'Layanan AI gagal membuat gambar ini. Kredit Anda dikembalikan.',
  },
  AI_PROVIDER_UNAVAILABLE: {
    status: 503,
    en: 'The AI service is busy or not answering. Your credits were returned; try again later.',
    id: 'Layanan AI sedang sibuk atau tidak merespons. Kredit Anda dikembalikan; coba lagi nanti.',
  },
  PROCESSING_FAILED: {
    status: 500,
    en: 'The photo could not be processed. Your credits were returned.',
    id: 'Foto tidak dapat diproses. Kredit Anda dikembalikan.',
  },
} as const satisfies Record<string, { status: number; en: string; id: string }>;

export type ErrorCode = keyof typeof ERRORS;
export type Locale = 'en' | 'id';
export const LOCALES = ['en', 'id'] as const;

export function errorMessage(code: string, locale: Locale): string {
  const entry = (ERRORS as Record<string, { en: string; id: string } | undefined>)[code];
  return entry ? entry[locale] : ERRORS.INTERNAL[locale];
}
