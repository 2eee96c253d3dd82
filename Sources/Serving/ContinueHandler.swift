import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` with `100 Continue`, so a client that waits for it sends its body at once.
///
/// A body announced larger than the server takes gets no 100: the route refuses it with 413 without waiting for
/// bytes it would throw away. Sits after the HTTP/1 codec, so it sees requests as `HTTPRequest` heads.
final class ContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let maxBodyBytes: Int

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case let .head(request) = unwrapInboundIn(data), Self.wantsContinue(request, maxBodyBytes: maxBodyBytes) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    /// Whether `request` asks for 100-continue with a body the server would take.
    static func wantsContinue(_ request: HTTPRequest, maxBodyBytes: Int) -> Bool {
        guard let expect = request.headerFields[.expect], expect.lowercased() == "100-continue" else { return false }
        if let length = request.headerFields[.contentLength].flatMap(Int.init), length > maxBodyBytes { return false }
        return true
    }
}
