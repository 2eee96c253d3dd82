import Foundation
import Prometheus

/// The `/metrics` counters and histograms (Prometheus text format, via swift-prometheus).
public final class ServerMetrics: Sendable {
    /// The registry every metric is created in; `text()` renders it.
    public let registry = PrometheusCollectorRegistry()
    private let latency: DurationHistogram
    private let images: Counter
    private let batchSize: ValueHistogram

    /// Creates the request latency histogram (`discern_request_duration_seconds`, buckets 5 ms to 10 s), the image counter
    /// (`discern_images_classified_total`) and the batch size histogram (`discern_inference_batch_images`, 1 to 256 images).
    public init() {
        latency = registry.makeDurationHistogram(
            descriptor: Self.name("request_duration", "seconds", "Time from request to response"),
            buckets: [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)])
        images = registry.makeCounter(descriptor: Self.name("images_classified", "total", "Images judged"))
        batchSize = registry.makeValueHistogram(descriptor: Self.name("inference_batch", "images", "Images per forward pass (micro-batching)"),
                                                buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
    }

    /// `discern_NAME_UNIT` with its help line.
    private static func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "discern", metricName: name, unitName: unit, helpText: help)
    }

    /// Counts one answered request.
    public func request(route: String, status: Int, seconds: Duration) {
        registry.makeCounter(descriptor: Self.name("requests", "total", "Requests answered, by route and status"),
                             labels: [("route", route), ("status", String(status))]).increment()
        if status >= 400 {
            registry.makeCounter(descriptor: Self.name("errors", "total", "Requests answered with an error status"),
                                 labels: [("status", String(status))]).increment()
        }
        latency.record(seconds)
    }

    /// Adds `count` images to `discern_images_classified_total`.
    public func classified(_ count: Int) { images.increment(by: Int64(count)) }
    /// Records one forward pass of `count` images in `discern_inference_batch_images`.
    public func batch(_ count: Int) { batchSize.record(Double(count)) }

    /// The exposition text.
    public func text() -> String { registry.emitToString() }
}
