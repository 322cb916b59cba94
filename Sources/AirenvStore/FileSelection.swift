import AirenvModel
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which object files of a directory a command naming some keys must read: all but those the
/// key index vouches hold another key; of those read, only the ones whose bytes may hold a key
/// are parsed (`mayHold`).
struct FileSelection: Sendable {
  /// The files to read, in listing order.
  let candidates: [String]
  /// The index entries whose file still has its signature, sorted by name.
  let trusted: [KeyIndex.Entry]
  /// The files the index could not vouch for.
  let unknown: [String]
  let total: Int
  private let keys: [[UInt8]]

  /// `names` sorted as listed; `keys` lower-cased ASCII; `index` sorted by name, nil when no
  /// index is kept.
  init(names: [String], in directory: String, keys: [[UInt8]], index: [KeyIndex.Entry]?) {
    self.keys = keys
    total = names.count
    guard let index, !index.isEmpty else {
      candidates = names
      trusted = []
      unknown = index == nil ? [] : names
      return
    }
    // The listing and the index are both sorted by name: walked side by side.
    var listed: [KeyIndex.Entry?] = []
    listed.reserveCapacity(names.count)
    var position = 0
    for name in names {
      while position < index.count && index[position].name < name { position += 1 }
      listed.append(position < index.count && index[position].name == name ? index[position] : nil)
    }
    let handle = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    defer { if handle >= 0 { close(handle) } }
    let still = listed.concurrentMap { entry -> Bool in
      guard handle >= 0, let entry, let signature = FileSignature(directory: handle, name: entry.name) else {
        return false
      }
      return signature == entry.signature
    }
    var candidates: [String] = []
    var trusted: [KeyIndex.Entry] = []
    var unknown: [String] = []
    trusted.reserveCapacity(names.count)
    for (index, name) in names.enumerated() {
      guard still[index], let entry = listed[index] else {
        unknown.append(name)
        candidates.append(name)
        continue
      }
      trusted.append(entry)
      if keys.contains(Array(entry.key.lowercased().utf8)) { candidates.append(name) }
    }
    self.candidates = candidates
    self.trusted = trusted
    self.unknown = unknown
  }

  /// Whether a file read may hold one of the keys.
  func mayHold(_ bytes: [UInt8]) -> Bool { bytes.mayHoldKey(of: keys) }
}

/// The keys of the files a read parsed, gathered from every core.
final class KeyCollector: @unchecked Sendable {
  private var gathered: [String: [KeyIndex.Entry]] = [:]
  private let lock = NSLock()

  func add(_ section: String, _ name: String, _ signature: FileSignature, _ key: String) {
    lock.lock()
    gathered[section, default: []].append(KeyIndex.Entry(name: name, signature: signature, key: key))
    lock.unlock()
  }

  var sections: [String: [KeyIndex.Entry]] {
    lock.lock()
    defer { lock.unlock() }
    return gathered
  }
}

/// The key index a session last read or wrote, so that a long session does not read it again.
/// The verification cache a session last read or wrote (see `VerificationCache`), by path,
/// with the cache file's signature then: a TUI verifying after every save reads the file again
/// only when another process has replaced it.
final class VerificationCacheMemory: @unchecked Sendable {
  private var kept: [String: (signature: FileSignature, cache: VerificationCache)] = [:]
  private var indexes: [String: (signature: FileSignature, cache: VerificationCache)] = [:]
  private let lock = NSLock()

  /// The cache at `path` without its verdicts (the history index and the member list's
  /// changes: what a save and the data key's check need), read again only when its file changed
  /// since; a save asks for it two or three times.
  func index(at path: String) -> VerificationCache? {
    guard let signature = FileSignature(path: path) else { return nil }
    if let known = lock.withLock({ kept[path] ?? indexes[path] }), known.signature == signature {
      return known.cache
    }
    guard let cache = VerificationCache(readingFrom: path, verdicts: false) else { return nil }
    lock.withLock { indexes[path] = (signature, cache) }
    return cache
  }

  /// The cache at `path`, read again only when its file changed since.
  func cache(at path: String) -> VerificationCache? {
    guard let signature = FileSignature(path: path) else { return nil }
    if let known = lock.withLock({ kept[path] }), known.signature == signature { return known.cache }
    guard let cache = VerificationCache(readingFrom: path) else { return nil }
    remember(cache, at: path, signature: signature)
    return cache
  }

  /// Remembers `cache`, just written to `path`.
  func remember(_ cache: VerificationCache, at path: String, signature: FileSignature? = nil) {
    guard let signature = signature ?? FileSignature(path: path) else { return }
    lock.withLock { kept[path] = (signature, cache) }
  }
}

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
