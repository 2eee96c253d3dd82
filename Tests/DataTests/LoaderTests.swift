import Data
import Foundation
import Imaging
import Tensor
import TestSupport
import XCTest

final class LoaderTests: XCTestCase {
    private func sample() throws -> DecodedDataset {
        try DecodedDataset.load(DatasetSource(paths: [sharedDataURL("cifake/sample").path]))
    }

    func testEpochCoversEveryImageOnceInSeededOrder() throws {
        let ds = try sample()
        let loader = BatchLoader(dataset: ds, batchSize: 10, shuffle: true, seed: 5)
        XCTAssertEqual(loader.batchCount, 7)
        let batches = Array(loader.batches(epoch: 0))
        XCTAssertEqual(batches.count, 7)
        XCTAssertEqual(batches.flatMap(\.indices).sorted(), Array(0..<64))
        XCTAssertEqual(batches[0].images.shape, [10, 32, 32, 3])
        XCTAssertEqual(batches[6].images.shape, [4, 32, 32, 3])
        XCTAssertEqual(batches.flatMap(\.indices), loader.order(epoch: 0))
        XCTAssertNotEqual(loader.order(epoch: 0), loader.order(epoch: 1))
        XCTAssertEqual(batches[0].labels, batches[0].indices.map { ds.labels[$0] })
        // Pixels are the decoded bytes / 255.
        let first = batches[0].indices[0]
        XCTAssertEqual(batches[0].images.pointer[5], Float(ds.image(first).pixels[5]) / 255, accuracy: 1e-6)
    }

    func testAugmentedBatchesAreReproducibleAndDifferFromClean() throws {
        let ds = try sample()
        let aug = try Augmentation("hflip,crop:4,jpeg:30-60@1,blur:0.5-1,noise:0.02")
        let a = BatchLoader(dataset: ds, batchSize: 16, shuffle: true, seed: 9, augmentation: aug)
        let b = BatchLoader(dataset: ds, batchSize: 16, shuffle: true, seed: 9, augmentation: aug)
        let clean = BatchLoader(dataset: ds, batchSize: 16, shuffle: true, seed: 9)
        let ba = Array(a.batches(epoch: 2)), bb = Array(b.batches(epoch: 2)), bc = Array(clean.batches(epoch: 2))
        XCTAssertEqual(ba[1].images.scalars, bb[1].images.scalars)
        XCTAssertNotEqual(ba[1].images.scalars, bc[1].images.scalars)
    }

    func testEarlyStopReleasesTheProducer() throws {
        let ds = try sample()
        let loader = BatchLoader(dataset: ds, batchSize: 2, shuffle: false, seed: 0, prefetch: 1)
        var it: AnyIterator<LoaderBatch>? = loader.batches(epoch: 0)
        XCTAssertNotNil(it?.next())
        it = nil  // must not hang or crash
        XCTAssertEqual(Array(loader.batches(epoch: 0, startingAt: 30)).count, 2)
    }
}
