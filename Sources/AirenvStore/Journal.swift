import AirenvModel

/// Makes a change that spans several files atomic: every new file is first written under a
/// temporary name, then the journal naming them is written atomically, then the files are
/// moved into place. A crash before the journal exists leaves the old state (plus hidden
/// temporary files that nothing reads); a crash after it is rolled forward by the next
/// process that opens the repository.
struct Journal: Codable {
  /// Paths are relative to the repository root, so a moved repository still recovers.
  struct Write: Codable {
    var path: String
    var temporary: String
  }

  var writes: [Write]
  var deletes: [String]

  static func commit(
    writes: [(path: String, bytes: [UInt8])], deletes: [String], layout: RepositoryLayout
  ) throws(StoreError) {
    if writes.count + deletes.count == 1 {
      if let write = writes.first {
        try FileSystem.writeAtomically(write.bytes, to: write.path)
      } else {
        try FileSystem.remove(deletes[0])
        try FileSystem.syncDirectory(parent(of: deletes[0]))
      }
      return
    }
    // Every new file is written and flushed before the journal names it. A few are flushed one
    // by one; many (an import of 10,000) are flushed in one call for the whole file system,
    // which costs about as much as one flush but also waits for whatever else is unwritten.
    let flushesEach = writes.count <= 32
    var staged: [Write] = []
    var directories = Set<String>()
    for write in writes {
      let directory = parent(of: write.path)
      if directories.insert(directory).inserted { try FileSystem.makeDirectory(directory) }
      let temporary = try FileSystem.writeTemporary(write.bytes, besides: write.path, flushing: flushesEach)
      staged.append(Write(path: layout.relative(write.path), temporary: layout.relative(temporary)))
    }
    if !flushesEach { try FileSystem.syncFileSystem(containing: layout.root) }
    let journal = Journal(writes: staged, deletes: deletes.map(layout.relative))
    try FileSystem.writeAtomically(StoredFile.encode(journal), to: layout.journal)
    try journal.rollForward(layout: layout)
  }

  /// Finishes an interrupted commit, if one is recorded.
  static func recover(layout: RepositoryLayout) throws(StoreError) {
    try load(layout: layout)?.rollForward(layout: layout)
  }

  /// The journal of an interrupted change, checked; nil when there is none.
  static func load(layout: RepositoryLayout) throws(StoreError) -> Journal? {
    guard FileSystem.exists(layout.journal) else { return nil }
    let bytes = try FileSystem.read(layout.journal, limit: Limits.historyFileBytes)
    let journal = try StoredFile.decode(Journal.self, from: bytes, path: layout.journal)
    // The journal moves and deletes files by the paths it names: a journal that was not
    // written by airenv (copied in, committed to git) must not reach outside the repository.
    let targets = journal.writes.map(\.path) + journal.deletes
    let outside =
      targets.first { !layout.isJournalTarget($0) }
      ?? journal.writes.first {
        !layout.isJournalTarget($0.temporary, temporary: true) || $0.temporary.parent != $0.path.parent
      }?.temporary
    if let outside {
      throw .corrupt(
        path: layout.journal, line: nil, column: nil,
        reason:
          "it names \"\(outside.prefix(200))\", which is not a file airenv writes inside the repository; "
          + "remove the journal by hand if no airenv was interrupted here")
    }
    for path in targets { try FileSystem.refuseLinks(in: path, under: layout.root) }
    return journal
  }

  private func rollForward(layout: RepositoryLayout) throws(StoreError) {
    var directories = Set<String>()
    for write in writes where FileSystem.exists(layout.absolute(write.temporary)) {
      try FileSystem.rename(layout.absolute(write.temporary), to: layout.absolute(write.path))
      directories.insert(Self.parent(of: layout.absolute(write.path)))
    }
    for path in deletes.map(layout.absolute) {
      try FileSystem.remove(path)
      directories.insert(Self.parent(of: path))
    }
    for directory in directories.sorted() where FileSystem.isDirectory(directory) {
      try FileSystem.syncDirectory(directory)
    }
    try FileSystem.remove(layout.journal)
    try FileSystem.syncDirectory(layout.root)
  }

  private static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
  }
}
