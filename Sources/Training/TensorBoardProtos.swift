// The few TensorBoard messages a scalar event file needs, written in the shape of protoc-gen-swift's
// output (so SwiftProtobuf does the encoding) from tensorboard/compat/proto/event.proto and summary.proto:
//   message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
//   message Summary { message Value { string tag = 1; oneof value { float simple_value = 2; } } repeated Value value = 1; }
import SwiftProtobuf

struct TBEvent: Sendable {
    var wallTime: Double = 0
    var step: Int64 = 0
    /// `what` oneof: at most one of these is set.
    var fileVersion: String?
    var summary: TBSummary?
    var unknownFields = SwiftProtobuf.UnknownStorage()
}

struct TBSummary: Sendable {
    var value: [TBSummaryValue] = []
    var unknownFields = SwiftProtobuf.UnknownStorage()
}

struct TBSummaryValue: Sendable {
    var tag: String = ""
    var simpleValue: Float?
    var unknownFields = SwiftProtobuf.UnknownStorage()
}

extension TBEvent: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase, SwiftProtobuf._ProtoNameProviding {
    static let protoMessageName = "tensorboard.Event"
    static let _protobuf_nameMap: SwiftProtobuf._NameMap = [
        1: .standard(proto: "wall_time"), 2: .same(proto: "step"), 3: .standard(proto: "file_version"), 5: .same(proto: "summary"),
    ]

    mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularDoubleField(value: &wallTime)
            case 2: try decoder.decodeSingularInt64Field(value: &step)
            case 3: try decoder.decodeSingularStringField(value: &fileVersion)
            case 5: try decoder.decodeSingularMessageField(value: &summary)
            default: break
            }
        }
    }

    func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if wallTime != 0 { try visitor.visitSingularDoubleField(value: wallTime, fieldNumber: 1) }
        if step != 0 { try visitor.visitSingularInt64Field(value: step, fieldNumber: 2) }
        if let fileVersion { try visitor.visitSingularStringField(value: fileVersion, fieldNumber: 3) }
        if let summary { try visitor.visitSingularMessageField(value: summary, fieldNumber: 5) }
        try unknownFields.traverse(visitor: &visitor)
    }

    static func == (a: TBEvent, b: TBEvent) -> Bool {
        a.wallTime == b.wallTime && a.step == b.step && a.fileVersion == b.fileVersion && a.summary == b.summary && a.unknownFields == b.unknownFields
    }
}

extension TBSummary: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase, SwiftProtobuf._ProtoNameProviding {
    static let protoMessageName = "tensorboard.Summary"
    static let _protobuf_nameMap: SwiftProtobuf._NameMap = [1: .same(proto: "value")]

    mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            if field == 1 { try decoder.decodeRepeatedMessageField(value: &value) }
        }
    }

    func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if !value.isEmpty { try visitor.visitRepeatedMessageField(value: value, fieldNumber: 1) }
        try unknownFields.traverse(visitor: &visitor)
    }

    static func == (a: TBSummary, b: TBSummary) -> Bool { a.value == b.value && a.unknownFields == b.unknownFields }
}

extension TBSummaryValue: SwiftProtobuf.Message, SwiftProtobuf._MessageImplementationBase, SwiftProtobuf._ProtoNameProviding {
    static let protoMessageName = "tensorboard.Summary.Value"
    static let _protobuf_nameMap: SwiftProtobuf._NameMap = [1: .same(proto: "tag"), 2: .standard(proto: "simple_value")]

    mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularStringField(value: &tag)
            case 2: try decoder.decodeSingularFloatField(value: &simpleValue)
            default: break
            }
        }
    }

    func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
        if !tag.isEmpty { try visitor.visitSingularStringField(value: tag, fieldNumber: 1) }
        if let simpleValue { try visitor.visitSingularFloatField(value: simpleValue, fieldNumber: 2) }
        try unknownFields.traverse(visitor: &visitor)
    }

    static func == (a: TBSummaryValue, b: TBSummaryValue) -> Bool { a.tag == b.tag && a.simpleValue == b.simpleValue && a.unknownFields == b.unknownFields }
}
