#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Collects written bytes into blocks of 256 KB and hands each block to the file at once: a
/// file assembled from thousands of small pieces costs a few system calls, not thousands.
struct ByteSink {
  private let descriptor: Int32
  private let path: String
  private var buffer: [UInt8] = []
  private static let blockSize = 256 * 1024

  init(descriptor: Int32, path: String) {
    self.descriptor = descriptor
    self.path = path
    buffer.reserveCapacity(Self.blockSize)
  }

  mutating func write(_ text: String) throws(StoreError) {
    var text = text
    // withUTF8 rethrows untyped errors: the typed one is carried out by hand.
    var failure: StoreError?
    text.withUTF8 { bytes in
      do throws(StoreError) { try write(UnsafeRawBufferPointer(bytes)) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  mutating func write(_ bytes: [UInt8]) throws(StoreError) {
    // withUnsafeBytes rethrows untyped errors: the typed one is carried out by hand.
    var failure: StoreError?
    bytes.withUnsafeBytes { buffer in
      do throws(StoreError) { try write(buffer) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  mutating func write(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
    if buffer.count + bytes.count > Self.blockSize { try flush() }
    if bytes.count >= Self.blockSize {
      try writeAll(bytes)
    } else {
      buffer.append(contentsOf: bytes)
    }
  }

  mutating func flush() throws(StoreError) {
    if buffer.isEmpty { return }
    var failure: StoreError?
    buffer.withUnsafeBytes { bytes in
      do throws(StoreError) { try writeAll(bytes) } catch { failure = error }
    }
    if let failure { throw failure }
    buffer.removeAll(keepingCapacity: true)
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
    var written = 0
    while written < bytes.count {
      let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
      if count < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, reason: "cannot write: \(FileSystem.errorText())")
      }
      written += count
    }
  }
}
