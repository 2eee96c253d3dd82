import Foundation
import Tensor
import TestSupport
import XCTest

/// OpenBLAS kernel selection: a CPU it misdetects (Prescott fallback) is restarted with the right kernels.
final class BLASCoreTests: XCTestCase {
    func testBestKernelsFollowTheInstructionSet() {
        let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        XCTAssertEqual(BLASCore.best(cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLASCore.best(cpuFlags: avx512.subtracting(["avx512bw"])), "Haswell")
        XCTAssertEqual(BLASCore.best(cpuFlags: ["sse3", "avx", "avx2", "fma"]), "Haswell")
        XCTAssertNil(BLASCore.best(cpuFlags: ["sse3", "avx"]))
    }

    func testReplacementOnlyForAMisdetectedCoreAndNoUserChoice() {
        let flags: Set<String> = ["avx2", "fma"]
        XCTAssertEqual(BLASCore.replacement(current: "Prescott", cpuFlags: flags, environment: [:]), "Haswell")
        XCTAssertNil(BLASCore.replacement(current: "Prescott", cpuFlags: flags, environment: ["OPENBLAS_CORETYPE": "Prescott"]))
        XCTAssertNil(BLASCore.replacement(current: "Haswell", cpuFlags: flags, environment: [:]))
        XCTAssertNil(BLASCore.replacement(current: "Prescott", cpuFlags: ["sse3"], environment: [:]))
    }

    func testCPUFlagsParse() {
        let info = "processor\t: 0\nmodel name\t: Xeon\nflags\t\t: fpu sse3 avx2 fma\nbugs\t: none\nprocessor\t: 1\nflags\t: fpu\n"
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: info), ["fpu", "sse3", "avx2", "fma"])
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: nil), [])
    }

    /// The real binary on this machine: whatever OpenBLAS detects, `discern` ends up on the best kernels the
    /// CPU has (OPENBLAS_VERBOSE=2 makes OpenBLAS print "Core: NAME" each time it loads).
    func testDiscernRunsOnTheBestKernelsTheCPUHas() throws {
        let r = try runDiscern(["--version"], environment: ["OPENBLAS_CORETYPE": nil, "OPENBLAS_VERBOSE": "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let cores = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Core: ") }.map { String($0.dropFirst(6)) }
        let last = try XCTUnwrap(cores.last, "no 'Core:' line in \(r.stderr)")
        guard let best = BLASCore.best(cpuFlags: BLASCore.cpuFlags()) else { return }  // no AVX2: nothing to choose
        XCTAssertNotEqual(last.lowercased(), "prescott", "still on SSE3 kernels: \(cores)")
        if cores.first?.lowercased() == "prescott" { XCTAssertEqual(last, best, "restarted with \(cores)") }
        // A user's own choice is kept (Haswell kernels run on any CPU with AVX2).
        let kept = try runDiscern(["--version"], environment: ["OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_VERBOSE": "2"])
        XCTAssertEqual(kept.stderr.split(separator: "\n").filter { $0.hasPrefix("Core: ") }, ["Core: Haswell"])
    }
}
