import Foundation
import XCTest

/// The result of running the `discern` binary.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs the `discern` executable built beside the test bundle, with `arguments`, from the repository root.
/// - Parameters:
///   - environment: changes to the inherited environment (a nil value removes the variable).
///   - timeout: seconds after which a still-running command is terminated (its status is then SIGTERM's, 15), so a
///     command that should exit at once but starts serving cannot hang the suite.
public func runDiscern(_ arguments: [String], stdin: Data? = nil, environment: [String: String?] = [:], timeout: TimeInterval? = nil,
                       file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
    // The test runner (`<products>/DiscernPackageTests.xctest`) sits beside the built `discern`.
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let binary = runner.deletingLastPathComponent().appendingPathComponent("discern")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        XCTFail("discern binary not found at \(binary.path)", file: file, line: line)
        return CommandResult(status: -1, stdout: "", stderr: "")
    }
    let p = Process()
    p.executableURL = binary
    p.arguments = arguments
    if !environment.isEmpty {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        p.environment = env
    }
    p.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if p.isRunning { p.terminate() } } }
    if let stdin { inp.fileHandleForWriting.write(stdin) }
    try inp.fileHandleForWriting.close()
    // Read both pipes before waiting, so a large output cannot block the child.
    let errBox = DataBox()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return CommandResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
}

private final class DataBox: @unchecked Sendable { var data = Data() }
