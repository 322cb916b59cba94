import AirenvModel
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The key index's part in reading a Workspace (see `KeyIndex`): choosing the files a command
/// naming keys must read, and keeping the index up to date with what a read parsed.
extension Repository {
  /// For each object directory, the files that may hold one of `keys`; none when a key is not
  /// plain ASCII (every file is then read). Without `keepsIndex` every file is read and its
  /// bytes looked at; with it, `index` (nil when there is none yet) vouches for what it can.
  func selectFiles(
    holding keys: [String], in directories: [(section: String, path: String)], keepsIndex: Bool,
    index: KeyIndex?
  ) throws(StoreError) -> [String: FileSelection] {
    guard keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return [:] }
    let lowered = keys.map { Array($0.lowercased().utf8) }
    var selections: [String: FileSelection] = [:]
    for (section, directory) in directories {
      selections[section] = FileSelection(
        names: try FileSystem.jsonFiles(in: directory), in: directory, keys: lowered,
        index: keepsIndex ? index?.sections[section] ?? [] : nil)
    }
    return selections
  }

  /// Writes the index again when this read learnt a file it did not hold (a young file is
  /// entered once it has settled, so a save in a session does not write it each time).
  ///
  /// Without a usable index (none yet, or many files changed since, as after a pull), the
  /// files a keyed read could not vouch for are parsed once more to learn their keys. That is
  /// all it does: what the command saw and did is settled, whatever those files hold.
  func updateKeyIndex(
    at path: String, _ index: KeyIndex?, learning collected: KeyCollector,
    selections: [String: FileSelection], in directories: [(section: String, path: String)]
  ) {
    let unknown = selections.values.reduce(0) { $0 + $1.unknown.count }
    if unknown > max(64, selections.values.reduce(0) { $0 + $1.total } / 100), KeyIndex.canBeKept(at: path) {
      let parsed = collected.sections
      for (section, directory) in directories {
        guard let selection = selections[section] else { continue }
        let known = Set((parsed[section] ?? []).map(\.name))
        learnKeys(
          of: selection.unknown.filter { !known.contains($0) }, in: directory, section: section,
          into: collected)
      }
    }
    let learnt = collected.sections
    guard index.map({ $0.lacksAny(of: learnt) }) ?? !learnt.isEmpty else {
      if let index { keyIndexes.remember(index, at: path) }
      return
    }
    // A section this read did not look at (a listing of the other kind) keeps its entries.
    var sections = index?.sections ?? [:]
    for (section, _) in directories {
      var byName: [String: KeyIndex.Entry] = [:]
      for entry in selections[section]?.trusted ?? [] { byName[entry.name] = entry }
      for entry in learnt[section] ?? [] { byName[entry.name] = entry }
      sections[section] = Array(byName.values)
    }
    let fresh = KeyIndex(sections: sections)
    fresh.write(to: path)
    keyIndexes.remember(fresh, at: path)
  }

  /// Enters the key of each settled file of `names` that reads as an object in `collector`; a
  /// file that does not is left for the command that reads it to refuse.
  private func learnKeys(
    of names: [String], in directory: String, section: String, into collector: KeyCollector
  ) {
    let now = time(nil)
    let settleSeconds = settleSeconds
    let handle = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    defer { if handle >= 0 { close(handle) } }
    _ = names.concurrentMap { name -> Bool in
      let path = directory + "/" + name
      // A file that has not settled (just pulled, or dated in the future) would not be entered:
      // it is not read at all.
      guard handle >= 0, let status = FileSignature(directory: handle, name: name),
        status.isSettled(now: now, after: settleSeconds),
        let (bytes, signature) = try? FileSystem.readWithSignature(
          path, in: handle, named: name, limit: Limits.objectFileBytes),
        let signature, signature.isSettled(now: now, after: settleSeconds),
        let key = section == "connections"
          ? (try? Self.decode(Connection.self, bytes, name, path, opening: { $0 }))?.key
          : (try? Self.decode(Variable.self, bytes, name, path, opening: { $0 }))?.key
      else { return false }
      collector.add(section, name, signature, key)
      return true
    }
  }
}
