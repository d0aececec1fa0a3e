/**
 * Tiny ONNX models built in the tests, so the real loading and tensor code runs without model weights
 * (providers.md "Local segmentation models": weights are not reachable from our machines).
 *
 * The schema below is the subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, IR version 8) a
 * single-node graph needs; field numbers are the upstream ones, so the bytes are a real ModelProto.
 */
import protobuf from 'protobufjs';

const ONNX_SUBSET = `
syntax = "proto2";
package onnx;

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  optional string name = 8;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}

message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const ModelProto = protobuf.parse(ONNX_SUBSET).root.lookupType('onnx.ModelProto');

/** TensorProto.DataType.FLOAT */
const FLOAT = 1;

type Dim = number | string;

function valueInfo(name: string, dims: readonly Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface ConvModelOptions {
  /**
   * Input height and width: a number is a static dimension, a string a symbolic one (a model that takes
   * any size, so the provider must fall back to the kind's nominal size).
   */
  size: Dim;
  /** Weight per input channel (R, G, B) of the 1×1 convolution. */
  weights: readonly [number, number, number];
  bias?: number;
  /** A Relu after the convolution: a nonlinearity, so the input normalisation shows in the matte. */
  relu?: boolean;
}

/**
 * input [1,3,S,S] → 1×1 Conv (one output channel) [→ Relu] → output [1,1,S,S]: every output pixel is
 * `wR·r + wG·g + wB·b + bias` of the normalised input (clipped at 0 with `relu`), so a test can predict
 * the matte exactly.
 */
export function convModel({ size, weights, bias = 0, relu = false }: ConvModelOptions): Buffer {
  const nodes = relu
    ? [
        { name: 'conv', opType: 'Conv', input: ['input', 'W', 'B'], output: ['logits'] },
        { name: 'relu', opType: 'Relu', input: ['logits'], output: ['output'] },
      ]
    : [{ name: 'conv', opType: 'Conv', input: ['input', 'W', 'B'], output: ['output'] }];
  const model = ModelProto.fromObject({
    irVersion: 8,
    producerName: 'lumiku-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-matte',
      node: nodes,
      initializer: [
        { name: 'W', dims: [1, 3, 1, 1], dataType: FLOAT, floatData: [...weights] },
        { name: 'B', dims: [1], dataType: FLOAT, floatData: [bias] },
      ],
      input: [valueInfo('input', [1, 3, size, size])],
      output: [valueInfo('output', [1, 1, size, size])],
    },
  });
  return Buffer.from(ModelProto.encode(model).finish());
}
