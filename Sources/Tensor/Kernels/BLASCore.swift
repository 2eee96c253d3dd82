import COpenBLAS
import Foundation

/// Which of OpenBLAS's CPU-specific kernel sets the engine's GEMMs run on.
///
/// Debian 12's OpenBLAS (0.3.21, built for every x86 core) picks its kernels from the CPU's family and
/// model numbers when it is loaded. It does not know recent Xeons (this project's machines report
/// family 6 model 207) and falls back to its Prescott (SSE3) kernels, which ran `discern classify`
/// 2.3x slower than the AVX-512 (SkylakeX) ones on the same machine (BENCHMARKS.md, 2026-12-02). OpenBLAS reads
/// its `OPENBLAS_CORETYPE` override only at load time, so the fix is to start the process once more
/// with it set: see `reexecIfMisdetected()`.
public enum BLASCore {
    /// The kernel set OpenBLAS is using (e.g. `SkylakeX`, `Haswell`, `Prescott`).
    public static var current: String {
        String(cString: openblas_get_corename()).trimmingCharacters(in: .whitespaces)
    }

    /// The best kernel set for a CPU with these instruction-set flags (`/proc/cpuinfo` names):
    /// `SkylakeX` with AVX-512 F/CD/BW/DQ/VL, `Haswell` with AVX2 + FMA, nil otherwise.
    public static func best(cpuFlags: Set<String>) -> String? {
        if cpuFlags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The instruction-set flags of the first CPU in `/proc/cpuinfo` (empty where there is none).
    public static func cpuFlags(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> Set<String> {
        guard let line = cpuinfo?.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// The kernel set to re-execute with, or nil when none is needed: OpenBLAS fell back to Prescott
    /// although the CPU can run better kernels, and `OPENBLAS_CORETYPE` is not set (a user's choice,
    /// or this process is already the re-executed one).
    public static func replacement(current: String, cpuFlags: @autoclosure () -> Set<String>, environment: [String: String]) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, current.lowercased() == "prescott" else { return nil }
        return best(cpuFlags: cpuFlags())
    }

    /// When OpenBLAS misdetected the CPU (see the type's note), replaces this process with a fresh
    /// start of the same executable and arguments with `OPENBLAS_CORETYPE` set. Call it first thing in
    /// `main`, before any output or input. Returns when nothing needs doing or the exec fails.
    public static func reexecIfMisdetected() {
        let environment = ProcessInfo.processInfo.environment
        guard let core = replacement(current: current, cpuFlags: cpuFlags(), environment: environment) else { return }
        // Started through the dynamic loader (`ld-linux ... discern`), /proc/self/exe is the loader: do not restart.
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        guard !exe.isEmpty, !(exe as NSString).lastPathComponent.hasPrefix("ld-") else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")  // exec failed: carry on with the kernels we have
        FileHandle.standardError.write(Data("discern: note: could not restart with OPENBLAS_CORETYPE=\(core) (errno \(errno)); running on OpenBLAS's \(current) kernels\n".utf8))
    }
}
