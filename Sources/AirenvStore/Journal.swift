import AirenvModel

/// Makes a change that spans several files atomic. A change of a few files writes each new file
/// under a temporary name, flushed, then the journal naming them atomically, then moves them
/// into place. A change of many (a new data key's secrets sealed again, an import) writes their
/// bytes into one data file beside the journal, flushed, then the journal naming where each
/// file's bytes lie, then writes each file where it is and flushes the file system once: no new
/// file and no rename per object, which is most of the cost of rewriting thousands on ext4.
/// A crash before the journal exists leaves the old state (plus hidden files that nothing
/// reads); a crash after it is rolled forward by the next process that opens the repository.
struct Journal: Codable {
  /// Paths are relative to the repository root, so a moved repository still recovers.
  struct Write: Codable {
    var path: String
    /// The flushed file moved into place; nil when the journal's data file holds its bytes.
    var temporary: String?
    /// Where its bytes lie in the journal's data file.
    var offset: Int?
    var length: Int?
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
    var staged: [Write] = []
    var directories = Set<String>()
    for write in writes {
      let directory = parent(of: write.path)
      if directories.insert(directory).inserted { try FileSystem.makeDirectory(directory) }
    }
    if writes.count <= 32 {
      for write in writes {
        let temporary = try FileSystem.writeTemporary(write.bytes, besides: write.path)
        staged.append(Write(path: layout.relative(write.path), temporary: layout.relative(temporary)))
      }
    } else {
      var offset = 0
      for write in writes {
        staged.append(Write(path: layout.relative(write.path), offset: offset, length: write.bytes.count))
        offset += write.bytes.count
      }
      try FileSystem.writeAtomically(pieces: writes.map(\.bytes), to: layout.journalData)
    }
    let journal = Journal(writes: staged, deletes: deletes.map(layout.relative))
    try FileSystem.writeAtomically(StoredFile.encode(journal), to: layout.journal)
    // The bytes are at hand: the data file is read back only by a recovery.
    try journal.rollForward(layout: layout, writing: writes.map(\.bytes))
  }

  /// Finishes an interrupted commit, if one is recorded; without one, removes the data of a
  /// commit interrupted before its journal (or just after it was removed).
  static func recover(layout: RepositoryLayout) throws(StoreError) {
    guard let journal = try load(layout: layout) else {
      if FileSystem.exists(layout.journalData) || FileSystem.isLink(layout.journalData) {
        try FileSystem.remove(layout.journalData)
      }
      return
    }
    try journal.rollForward(layout: layout)
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
      ?? journal.writes.compactMap { write in
        write.temporary.flatMap { temporary in
          !layout.isJournalTarget(temporary, temporary: true) || temporary.parent != write.path.parent
            ? temporary : nil
        }
      }.first
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

  /// Moves the staged files into place, or writes each file's bytes where it is: `writing`
  /// (in the journal's order) at commit, else read from the journal's data file.
  private func rollForward(layout: RepositoryLayout, writing known: [[UInt8]]? = nil) throws(StoreError) {
    var directories = Set<String>()
    var data: FileSystem.Pieces?
    var inPlace = false
    for (index, write) in writes.enumerated() {
      let path = layout.absolute(write.path)
      if let temporary = write.temporary {
        guard FileSystem.exists(layout.absolute(temporary)) else { continue }
        try FileSystem.rename(layout.absolute(temporary), to: path)
        directories.insert(Self.parent(of: path))
        continue
      }
      var bytes = known?[index]
      if bytes == nil, let offset = write.offset, let length = write.length {
        if data == nil { data = try FileSystem.Pieces(layout.journalData) }
        bytes = try data?.piece(at: offset, length: length)
      }
      guard let bytes else {
        throw .corrupt(
          path: layout.journal, line: nil, column: nil,
          reason:
            "it names bytes for \(write.path.prefix(200)) that \(layout.journalData) does not hold; restore "
            + "the repository from git or a backup")
      }
      try FileSystem.makeDirectory(Self.parent(of: path))
      try FileSystem.overwrite(bytes[...], at: path)
      inPlace = true
    }
    for path in deletes.map(layout.absolute) {
      try FileSystem.remove(path)
      directories.insert(Self.parent(of: path))
    }
    // What was written in place is flushed with the whole file system, its directories too.
    if inPlace { try FileSystem.syncFileSystem(containing: layout.root) }
    for directory in directories.sorted() where FileSystem.isDirectory(directory) {
      try FileSystem.syncDirectory(directory)
    }
    try FileSystem.remove(layout.journal)
    try FileSystem.syncDirectory(layout.root)
    // After the journal: a crash between the two leaves a data file nothing names.
    if inPlace { try FileSystem.remove(layout.journalData) }
  }

  private static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
  }
}
