import Foundation

/// Limits and tuning of `discern serve`, with the defaults the CLI shows.
public struct ServeOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// When set, `/v1/*` requests must send `Authorization: Bearer KEY` or `X-API-Key: KEY`.
    public var apiKey: String?
    /// Largest request body accepted (413 beyond).
    public var maxBodyBytes = 20 * 1024 * 1024
    /// Largest image accepted, in pixels, checked from the header before decoding (413 beyond).
    public var maxPixels = 50_000_000
    /// Time allowed for one request (503 beyond).
    public var timeout: TimeInterval = 30
    /// Images per forward pass.
    public var maxBatch = 64
    /// How long a request waits for others to share its forward pass.
    public var batchWait: TimeInterval = 0.005
    /// Images allowed to wait for the model (503 + Retry-After beyond).
    public var queueCapacity = 512
    /// Tiles per side of `?heatmap=1`.
    public var heatmapGrid = 4

    public init() {}
}
