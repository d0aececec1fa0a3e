/** Small real images for API tests (the pipeline's own tests use richer synthetic photos). */
import sharp from 'sharp';

export async function productJpeg(size = 640, seed = 1): Promise<Buffer> {
  const hue = (seed * 67) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
    <defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="hsl(${hue},60%,35%)"/><stop offset="1" stop-color="hsl(${hue},60%,60%)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="#b89a74"/>
    <rect x="${size * 0.3}" y="${size * 0.2}" width="${size * 0.4}" height="${size * 0.6}" rx="${size * 0.05}" fill="url(#g)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

export function jobForm(fields: Record<string, string>, image?: Buffer, filename = 'photo.jpg'): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (image) form.append('image', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), filename);
  return form;
}
