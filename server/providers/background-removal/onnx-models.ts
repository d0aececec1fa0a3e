/**
 * The segmentation models the ONNX provider knows: how each wants its input and what its output means,
 * and where an operator gets the weights. Facts from providers.md "Local segmentation models" (after
 * rembg's `sessions/{u2net,dis_general_use,birefnet_general}.py`). Pure data: the config, the pipeline and
 * `npm run models:fetch` all read it, none of them needs onnxruntime for it.
 */

export const ONNX_MODEL_KINDS = ['isnet', 'birefnet', 'u2net'] as const;
export type OnnxModelKind = (typeof ONNX_MODEL_KINDS)[number];

export interface OnnxModelSpec {
  /** Input side used when the model file leaves height/width symbolic. */
  nominalSize: number;
  /** Per RGB channel, applied after ÷255: (x/255 − mean) / std. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** The output is logits: sigmoid before min-max (BiRefNet). */
  sigmoid: boolean;
  licence: string;
  /** Public download of the weights (`npm run models:fetch`), and the file name it saves as. */
  url: string;
  fileName: string;
}

const IMAGENET = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
} as const;

export const ONNX_MODELS: Readonly<Record<OnnxModelKind, OnnxModelSpec>> = {
  // DIS "general use" (xuebinqin/DIS), as converted by rembg.
  isnet: {
    nominalSize: 1024,
    mean: [0.5, 0.5, 0.5],
    std: [1, 1, 1],
    sigmoid: false,
    licence: 'Apache-2.0',
    url: 'https://github.com/danielgatis/rembg/releases/download/v0.0.0/isnet-general-use.onnx',
    fileName: 'isnet-general-use.onnx',
  },
  // ZhengPeng7/BiRefNet, general-use weights. The release asset name was looked up, not downloaded:
  // README "Local ONNX models" says so and names rembg's mirror of the same file name.
  birefnet: {
    nominalSize: 1024,
    ...IMAGENET,
    sigmoid: true,
    licence: 'MIT',
    url: 'https://github.com/ZhengPeng7/BiRefNet/releases/download/v1/BiRefNet-general-epoch_244.onnx',
    fileName: 'BiRefNet-general-epoch_244.onnx',
  },
  // xuebinqin/U-2-Net, as converted by rembg.
  u2net: {
    nominalSize: 320,
    ...IMAGENET,
    sigmoid: false,
    licence: 'Apache-2.0',
    url: 'https://github.com/danielgatis/rembg/releases/download/v0.0.0/u2net.onnx',
    fileName: 'u2net.onnx',
  },
};

/**
 * BRIA's RMBG-1.4 / 2.0 weights are licensed for non-commercial use only (providers.md): a seller tool is
 * commercial use, so the product refuses them by kind name and by file name.
 */
export const NON_COMMERCIAL_MODEL = /rmbg|bria/i;
export const NON_COMMERCIAL_MESSAGE =
  'RMBG (BRIA) weights are licensed for non-commercial use only and are not supported; use isnet (Apache-2.0), birefnet (MIT) or u2net (Apache-2.0)';
