import AirenvModel
import Foundation

/// A file named on the command line (`airenv import FILE`, `--ca-file FILE`): read up to a limit, so that
/// `/dev/zero` or a runaway pipe is refused rather than read until memory runs out, and
/// decoded as UTF-8 with the line of the first byte that is not.
enum InputFile {
  /// `advice` says what to do with a file that is too large.
  static func text(_ path: String, limit: Int, advice: String = "the most airenv imports; split it") throws
    -> String
  {
    // Opened without waiting: a FIFO nobody writes to would otherwise hold `open` forever. Reads
    // then wait as usual (a pipe from `<(…)` still delivers everything).
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw Failure(message: "cannot read \(path): no such file or not readable", code: 1)
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    defer { try? handle.close() }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw Failure(message: "\(path) is a directory; give a file", code: 1)
    }
    var bytes: [UInt8] = []
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      bytes += chunk
      if bytes.count > limit {
        throw Failure.validation(
          "\(path) is larger than \(Limits.describe(bytes: limit)), \(advice)")
      }
    }
    // A byte order mark is not part of the text (editors on Windows write one).
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    if let offset = firstInvalidUTF8(in: bytes) {
      let line = bytes[..<offset].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
      throw Failure.validation(
        "\(path):\(line): not UTF-8 text (byte \(offset + 1) is 0x\(String(bytes[offset], radix: 16, uppercase: true))); "
          + "convert the file to UTF-8")
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
  static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded): offset += encoded.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }
}
