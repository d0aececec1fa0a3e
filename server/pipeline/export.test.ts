import { describe, expect, it } from 'vitest';
import { WORKFLOW_PRESETS } from '../../shared/presets.js';
import { Workflow } from '../../shared/workflow.js';
import { transcodeImage, workflowForPlatform } from './export.js';
import { sharp } from './sharp.js';

describe('export helpers', () => {
  it('re-encodes a result to the other format without metadata, and returns it as is in its own', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    expect((await transcodeImage(jpeg, 'jpeg')).data).toBe(jpeg);
    const png = await transcodeImage(jpeg, 'png');
    expect(png).toMatchObject({ format: 'png', width: 300, height: 200 });
    const meta = await sharp(png.data).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 300, height: 200 });
    expect(meta.exif).toBeUndefined();
    const back = await transcodeImage(png.data, 'jpeg');
    expect((await sharp(back.data).metadata()).format).toBe('jpeg');
  });

  it("aims a job's workflow at another platform, keeping every step but the export", () => {
    const steps = WORKFLOW_PRESETS['shopee-white-studio'].steps;
    const jpeg = workflowForPlatform(steps, 'tiktok-vertical', 'jpeg');
    expect(jpeg.slice(0, -1)).toEqual(steps.slice(0, -1));
    expect(jpeg.at(-1)).toEqual({ type: 'export', kind: 'preset', preset: 'tiktok-vertical' });
    const png = workflowForPlatform(steps, 'instagram-square', 'png');
    expect(png.at(-1)).toMatchObject({
      kind: 'custom',
      target: 'instagram',
      width: 1080,
      height: 1080,
      format: 'png',
    });
    expect(Workflow.safeParse(jpeg).success).toBe(true);
    expect(Workflow.safeParse(png).success).toBe(true);
  });
});
