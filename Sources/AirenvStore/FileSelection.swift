import AirenvModel
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which object files of a directory a command naming some keys must parse: those the key
/// index says hold one of the keys, and those it cannot vouch for whose bytes may hold one.
struct FileSelection: Sendable {
  /// The directory's files.
  let names: [String]
  /// The index entries whose file still has its signature.
  let trusted: [String: KeyIndex.Entry]
  /// How many files the index could not vouch for.
  let unknown: Int
  private let keys: [[UInt8]]
  private let ruledOut: Set<String>

  /// `keys` lower-cased ASCII; `index` nil when no index is kept (then every file is read).
  init(names: [String], in directory: String, keys: [[UInt8]], index: [String: KeyIndex.Entry]?) {
    self.names = names
    self.keys = keys
    guard let index, !index.isEmpty else {
      trusted = [:]
      ruledOut = []
      unknown = index == nil ? 0 : names.count
      return
    }
    let handle = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    defer { if handle >= 0 { close(handle) } }
    let checked = names.concurrentMap { name -> KeyIndex.Entry? in
      guard handle >= 0, let entry = index[name],
        let signature = FileSignature(directory: handle, name: name),
        signature == entry.signature
      else { return nil }
      return entry
    }
    var trusted: [String: KeyIndex.Entry] = [:]
    var ruledOut: Set<String> = []
    for (name, entry) in zip(names, checked) {
      guard let entry else { continue }
      trusted[name] = entry
      if !keys.contains(Array(entry.key.lowercased().utf8)) { ruledOut.insert(name) }
    }
    self.trusted = trusted
    self.ruledOut = ruledOut
    unknown = names.count - trusted.count
  }

  /// Whether the index vouches that the file holds none of the keys: it is not even read.
  func rulesOut(_ name: String) -> Bool { ruledOut.contains(name) }

  /// Whether a file the index could not vouch for may hold one of the keys.
  func mayHold(_ bytes: [UInt8]) -> Bool { bytes.mayHoldKey(of: keys) }
}

/// The keys of the files a read parsed, gathered from every core.
final class KeyCollector: @unchecked Sendable {
  private var gathered: [String: [String: KeyIndex.Entry]] = [:]
  private let lock = NSLock()

  func add(_ section: String, _ name: String, _ signature: FileSignature, _ key: String) {
    lock.lock()
    gathered[section, default: [:]][name] = KeyIndex.Entry(signature: signature, key: key)
    lock.unlock()
  }

  var sections: [String: [String: KeyIndex.Entry]] {
    lock.lock()
    defer { lock.unlock() }
    return gathered
  }
}

/// The key index a session last read or wrote, so that a long session does not read it again.
final class KeyIndexMemory: @unchecked Sendable {
  private var indexes: [String: KeyIndex] = [:]
  private let lock = NSLock()

  func index(at path: String) -> KeyIndex? {
    lock.lock()
    defer { lock.unlock() }
    return indexes[path]
  }

  func remember(_ index: KeyIndex, at path: String) {
    lock.lock()
    indexes[path] = index
    lock.unlock()
  }
}
