/**
 * The parts of TensorFlow's Event and Summary messages lmplan reads, as a protobufjs reflection
 * document (field numbers and types as in the .proto files; messages lmplan does not read — images,
 * histograms, graphs — are declared as bytes, which is the same on the wire).
 *
 * @see tensorflow/tensorflow tensorflow/core/util/event.proto (Event: wall_time = 1, step = 2,
 *      file_version = 3, graph_def = 4, summary = 5, log_message = 6, session_log = 7,
 *      tagged_run_metadata = 8, meta_graph_def = 9; SessionLog.status START = 1);
 *      tensorflow/tensorboard tensorboard/compat/proto/summary.proto (Summary.Value: tag = 1,
 *      simple_value = 2, image = 4, histo = 5, audio = 6, tensor = 8, metadata = 9;
 *      SummaryMetadata.plugin_data = 1 {plugin_name = 1, content = 2}, data_class = 4);
 *      tensorflow/tensorflow tensorflow/core/framework/tensor.proto (TensorProto: dtype = 1,
 *      tensor_shape = 2, tensor_content = 4, float_val = 5, double_val = 6, int_val = 7,
 *      int64_val = 10, half_val = 13), tensor_shape.proto (dim = 2 {size = 1}), types.proto
 *      (DT_FLOAT 1, DT_DOUBLE 2, DT_INT32 3, DT_INT64 9, DT_BFLOAT16 14, DT_HALF 19).
 */
export const TENSORBOARD_PROTO = {
  nested: {
    tensorboard: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ["fileVersion", "graphDef", "summary", "logMessage", "sessionLog", "taggedRunMetadata", "metaGraphDef"] } },
          fields: {
            wallTime: { type: "double", id: 1 },
            step: { type: "int64", id: 2 },
            fileVersion: { type: "string", id: 3 },
            graphDef: { type: "bytes", id: 4 },
            summary: { type: "Summary", id: 5 },
            logMessage: { type: "bytes", id: 6 },
            sessionLog: { type: "SessionLog", id: 7 },
            taggedRunMetadata: { type: "bytes", id: 8 },
            metaGraphDef: { type: "bytes", id: 9 },
          },
        },
        SessionLog: {
          fields: {
            status: { type: "int32", id: 1 },
            checkpointPath: { type: "string", id: 2 },
            msg: { type: "string", id: 3 },
          },
        },
        Summary: {
          fields: { value: { rule: "repeated", type: "Value", id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ["simpleValue", "obsoleteOldStyleHistogram", "image", "histo", "audio", "tensor"] } },
              fields: {
                nodeName: { type: "string", id: 7 },
                tag: { type: "string", id: 1 },
                metadata: { type: "SummaryMetadata", id: 9 },
                simpleValue: { type: "float", id: 2 },
                obsoleteOldStyleHistogram: { type: "bytes", id: 3 },
                image: { type: "bytes", id: 4 },
                histo: { type: "bytes", id: 5 },
                audio: { type: "bytes", id: 6 },
                tensor: { type: "TensorProto", id: 8 },
              },
            },
          },
        },
        SummaryMetadata: {
          fields: {
            pluginData: { type: "PluginData", id: 1 },
            displayName: { type: "string", id: 2 },
            summaryDescription: { type: "string", id: 3 },
            dataClass: { type: "int32", id: 4 },
          },
          nested: { PluginData: { fields: { pluginName: { type: "string", id: 1 }, content: { type: "bytes", id: 2 } } } },
        },
        TensorProto: {
          fields: {
            dtype: { type: "int32", id: 1 },
            tensorShape: { type: "TensorShapeProto", id: 2 },
            versionNumber: { type: "int32", id: 3 },
            tensorContent: { type: "bytes", id: 4 },
            halfVal: { rule: "repeated", type: "int32", id: 13 },
            floatVal: { rule: "repeated", type: "float", id: 5 },
            doubleVal: { rule: "repeated", type: "double", id: 6 },
            intVal: { rule: "repeated", type: "int32", id: 7 },
            int64Val: { rule: "repeated", type: "int64", id: 10 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dim", id: 2 }, unknownRank: { type: "bool", id: 3 } },
          nested: { Dim: { fields: { size: { type: "int64", id: 1 }, name: { type: "string", id: 2 } } } },
        },
      },
    },
  },
} as const;

/** TensorFlow DataType values lmplan reads as scalars (types.proto). */
export const DT = { FLOAT: 1, DOUBLE: 2, INT32: 3, INT64: 9, BFLOAT16: 14, HALF: 19 } as const;

/** SessionLog.SessionStatus START: the writer (re)started — later events replace those at or after its step. */
export const SESSION_START = 1;
