import Provenance
import Foundation

/// Limits and tuning of `discern serve`, with the defaults the CLI shows.
public struct ServeOptions: Sendable {
    /// The address to listen on (default `127.0.0.1`: this machine only).
    public var host = "127.0.0.1"
    /// The TCP port to listen on (default 8080).
    public var port = 8080
    /// When set, `/v1/*` requests must send `Authorization: Bearer KEY` or `X-API-Key: KEY`.
    public var apiKey: String?
    /// Largest request body accepted (413 beyond).
    public var maxBodyBytes = 20 * 1024 * 1024
    /// Largest image accepted, in pixels, checked from the header before decoding (413 beyond).
    public var maxPixels = 50_000_000
    /// Most images in one request (413 beyond).
    public var maxImagesPerRequest = 64
    /// Most pixels in one request, all its images together, read from their headers before decoding (413 beyond).
    public var maxRequestPixels = 100_000_000
    /// Most pixels decoded and held at once by all requests in flight (503 + Retry-After beyond).
    public var pixelBudget = 200_000_000
    /// Threads that decode uploads (apart from the threads that answer requests).
    public var decodeThreads = 2
    /// Time allowed for one request (503 beyond; 408 when the client is still sending its body).
    public var timeout: TimeInterval = 30
    /// Seconds a connection may sit without a complete request before it is closed (slow headers, idle keep-alive).
    public var idleTimeout: TimeInterval = 15
    /// Most open connections; past it new connections wait in the listen backlog until one closes.
    public var maxConnections = 512
    /// Images per forward pass.
    public var maxBatch = 64
    /// How long a request waits for others to share its forward pass.
    public var batchWait: TimeInterval = 0.005
    /// Images allowed to wait for the model (503 + Retry-After beyond).
    public var queueCapacity = 512
    /// Tiles per side of `?heatmap=1`.
    public var heatmapGrid = 4
    /// Trusted C2PA signing roots (`--c2pa-trust`); empty: signers are reported "not on a trust list".
    public var c2paTrustAnchors: [SigningCertificate] = []

    /// The defaults above.
    public init() {}
}
