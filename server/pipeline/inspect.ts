/**
 * First look at untrusted upload bytes: decide the type from the bytes, check the container is complete,
 * and read the dimensions without decoding pixels (security.md "Images").
 */
import { AppError } from '../errors.js';
import { MAX_INPUT_PIXELS, type Metadata, PIPELINE_TIMEOUT_SECONDS, sharp } from './sharp.js';

export type InputFormat = 'jpeg' | 'png' | 'webp';

export interface InspectLimits {
  /** Largest accepted width × height. @defaultValue {@link MAX_INPUT_PIXELS} */
  maxPixels?: number;
}

export interface InspectResult {
  format: InputFormat;
  /** Displayed size: EXIF orientation already applied (a portrait phone photo reports width < height). */
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Sniffs the format from magic bytes only; the file name and Content-Type are never trusted. */
export function sniffFormat(input: Buffer): InputFormat | undefined {
  if (input.length >= 3 && input[0] === 0xff && input[1] === 0xd8 && input[2] === 0xff) return 'jpeg';
  if (input.length >= 8 && input.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (
    input.length >= 12 &&
    input.toString('latin1', 0, 4) === 'RIFF' &&
    input.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return 'webp';
  }
  return undefined;
}

export async function inspectImage(input: Buffer, limits?: InspectLimits): Promise<InspectResult> {
  const maxPixels = limits?.maxPixels ?? MAX_INPUT_PIXELS;
  const format = sniffFormat(input);
  if (!format) throw new AppError('UNSUPPORTED_IMAGE');

  // A truncated upload often still has a readable header, so sharp's metadata() would accept it; walking the
  // container catches it here instead of deep inside a worker.
  if (!containerComplete(format, input)) {
    throw new AppError('IMAGE_INVALID', 'The image file is truncated or damaged.');
  }
  if (format === 'png') {
    // Reject a decompression bomb from its IHDR before libvips sees it at all.
    const width = input.readUInt32BE(16);
    const height = input.readUInt32BE(20);
    if (width === 0 || height === 0 || width * height > maxPixels) throw tooLarge(width, height);
  }

  let metadata: Metadata;
  try {
    // metadata() reads headers only; limitInputPixels makes libvips refuse a huge image before any decode.
    metadata = await sharp(input, { limitInputPixels: maxPixels })
      .timeout({ seconds: PIPELINE_TIMEOUT_SECONDS })
      .metadata();
  } catch (error) {
    throw new AppError('IMAGE_INVALID', undefined, { cause: error });
  }
  // libvips sniffs on its own; disagreeing with our sniff means a polyglot or a damaged header.
  if (metadata.format !== format) throw new AppError('IMAGE_INVALID');
  const { width, height } = metadata.autoOrient;
  if (!width || !height) throw new AppError('IMAGE_INVALID');
  if (width * height > maxPixels) throw tooLarge(width, height);
  return { format, width, height };
}

function tooLarge(width: number, height: number): AppError {
  return new AppError('IMAGE_INVALID', undefined, { details: { reason: 'too_many_pixels', width, height } });
}

function containerComplete(format: InputFormat, input: Buffer): boolean {
  switch (format) {
    case 'jpeg':
      return jpegComplete(input);
    case 'png':
      return pngComplete(input);
    case 'webp':
      // RIFF size counts everything after the first 8 bytes; a shorter file was cut off.
      return input.readUInt32LE(4) + 8 <= input.length;
  }
}

/** PNG: IHDR first, then chunks up to IEND, each fully present (PNG spec §5.3). CRCs are libpng's job. */
function pngComplete(input: Buffer): boolean {
  if (input.length < 33 || input.readUInt32BE(8) !== 13 || input.toString('latin1', 12, 16) !== 'IHDR') {
    return false;
  }
  let pos = 8;
  while (pos + 12 <= input.length) {
    const end = pos + 12 + input.readUInt32BE(pos);
    if (end > input.length) return false;
    if (input.toString('latin1', pos + 4, pos + 8) === 'IEND') return true;
    pos = end;
  }
  return false;
}

/**
 * JPEG: walk the marker segments (ITU T.81 Annex B) up to EOI. Inside entropy-coded data 0xFF is always
 * followed by a stuffed 0x00 or a restart marker, so the first other 0xFFxx is the next real marker.
 */
function jpegComplete(input: Buffer): boolean {
  const length = input.length;
  let pos = 2;
  let sawFrame = false;
  let sawScan = false;
  while (pos + 1 < length) {
    if (input[pos] !== 0xff) return false;
    let marker = input[pos + 1]!;
    while (marker === 0xff) {
      // Fill bytes before a marker are allowed.
      pos += 1;
      if (pos + 1 >= length) return false;
      marker = input[pos + 1]!;
    }
    pos += 2;
    if (marker === 0xd9) return sawFrame && sawScan;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (pos + 2 > length) return false;
    const segmentLength = input.readUInt16BE(pos);
    if (segmentLength < 2) return false;
    pos += segmentLength;
    if (pos > length) return false;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      sawFrame = true;
    }
    if (marker === 0xda) {
      sawScan = true;
      for (;;) {
        const ff = input.indexOf(0xff, pos);
        if (ff < 0 || ff + 1 >= length) return false;
        const next = input[ff + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
          pos = ff + 2;
          continue;
        }
        pos = ff;
        break;
      }
    }
  }
  return false;
}
