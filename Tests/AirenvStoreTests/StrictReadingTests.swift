import AirenvModel
import Foundation
import Testing

@testable import AirenvStore

/// The fast reading path must give exactly what `JSONDecoder` gives for every file airenv
/// writes, and must step aside (nil) for every other shape so that `JSONDecoder` decides.
@Suite("Fast reading of stored files")
struct StrictReadingTests {
  static let stamp = Stamp(by: Actor(user: "zoë", time: Date(timeIntervalSince1970: 1_800_000_123)))

  /// Objects that use every member and the awkward values: escapes, unicode outside the BMP,
  /// control characters, extreme integers, nested extras, null ports, Deployment scope.
  static let connections: [Connection] = [
    Connection(
      id: "con_a", key: "warehouse \"db\"", scope: .workspace,
      base: ConnectionPayload(
        fields: [
          .connType: "postgres", .host: "db.example.com", .login: "app/😀", .password: "p@ss\\w\"o\u{1}rd\n",
          .port: "5432", .schema: "", .description: "line1\nline2\ttab",
        ],
        extra: [
          "sslmode": .string("require"), "retries": .integer(-3), "big": .integer(Int64.max),
          "small": .integer(Int64.min), "flag": .bool(false), "none": .null,
          "nested": .object(["list": .array([.integer(0), .string("é"), .object([:]), .array([])])]),
        ],
        secretExtraKeys: ["nested"]),
      linkedToAll: true,
      links: [
        "dep_prod": ConnectionOverride(
          fields: [.host: "prod.example.com", .password: "prod-pw", .port: ""],
          extraSet: ["sslmode": .string("verify-full")], extraUnset: ["retries"]),
        "dep_dev": ConnectionOverride(),
      ],
      exclusions: ["dep_feature", "dep_old"], stamp: stamp),
    Connection(
      id: "con_b", key: "scoped", scope: .deployment("dep_dev"),
      base: ConnectionPayload(fields: [.connType: "http"]), stamp: stamp),
  ]

  static let variables: [Variable] = [
    Variable(
      id: "var_a", key: "api_token", scope: .workspace,
      base: VariablePayload(value: "{\"json\": [1, 2]}", description: "a \u{1F680} token", secret: true),
      linkedToAll: false,
      links: ["dep_prod": VariableOverride(value: "prod"), "dep_dev": VariableOverride()], stamp: stamp),
    Variable(
      id: "var_b", key: "plain", scope: .workspace, base: VariablePayload(value: ""), stamp: stamp),
  ]

  static let deployments: [Deployment] = [
    Deployment(
      id: "dep_a", name: "prod", description: "Production", tags: ["a", "b"], branch: "main", stamp: stamp),
    Deployment(id: "dep_b", name: "dev", stamp: stamp),
  ]

  func bothPaths<Value: Codable & StrictlyReadable & Equatable>(_ value: Value) throws -> (Value?, Value) {
    let bytes = StoredFile.encode(value)
    let strict = StrictJSONReader.value(of: bytes).flatMap(Value.init(strict:))
    let decoded = try StoredFile.decodeWithJSONDecoder(Value.self, from: bytes, path: "test.json")
    return (strict, decoded)
  }

  /// The value read straight from the bytes (`DirectlyReadable`), or nil where it steps aside.
  static func direct<Value: DirectlyReadable>(_ type: Value.Type, _ bytes: [UInt8]) -> Value? {
    StrictJSONReader.document(of: bytes) { Value.read(directly: &$0) }
  }

  @Test func objectsReadStraightFromTheirBytesAreWhatJSONDecoderReads() throws {
    var workspace = Workspace(id: "ws", name: "demo", stamp: Self.stamp)
    try DemoWorkspace.build(into: &workspace, by: Actor(user: "demo", time: Date()))
    for connection in Self.connections + workspace.connections {
      let bytes = StoredFile.encode(connection)
      let decoded = try StoredFile.decodeWithJSONDecoder(Connection.self, from: bytes, path: "test.json")
      #expect(Self.direct(Connection.self, bytes) == decoded, "\(connection.key)")
    }
    for variable in Self.variables + workspace.variables {
      let bytes = StoredFile.encode(variable)
      let decoded = try StoredFile.decodeWithJSONDecoder(Variable.self, from: bytes, path: "test.json")
      #expect(Self.direct(Variable.self, bytes) == decoded, "\(variable.key)")
    }
  }

  /// Shapes the direct reader must leave to the others: a member twice (at every level), one
  /// it does not know, a null where the model has no "absent", an escaped or non-ASCII key.
  @Test func theDirectReaderStepsAsideForEveryOtherShape() throws {
    let variable = #"""
      {"version": 1, "id": "var_b", "key": "k", "scope": {"kind": "workspace"},
       "base": {"value": "v", "secret": false}, "links": {"dep_a": {"value": "x"}},
       "stamp": {"revision": 2, "createdAt": "2027-01-15T08:00:03Z", "createdBy": "a",
                 "updatedAt": "2027-01-15T08:00:03Z", "updatedBy": "b"}}
      """#
    #expect(Self.direct(Variable.self, Array(variable.utf8)) != nil)
    let variants: [(String, String)] = [
      (#""id": "var_b","#, #""id": "var_b", "id": "var_b","#),
      (#""kind": "workspace""#, #""kind": "workspace", "kind": "workspace""#),
      (#""value": "v","#, #""value": "v", "value": "v","#),
      (#""value": "x""#, #""value": "x", "value": "y""#),
      (#""dep_a": {"value": "x"}"#, #""dep_a": {"value": "x"}, "dep_a": {}"#),
      (#""revision": 2,"#, #""revision": 2, "revision": 2,"#),
      (#""updatedBy": "b""#, #""updatedBy": "b", "createdBy": "c""#),
      (#""key": "k","#, #""key": "k", "colour": "red","#),
      (#""secret": false"#, #""secret": false, "secrets": false"#),
      (#""secret": false"#, #""secret": null"#),
      (#""key": "k","#, #""key": null,"#),
      (#""kind": "workspace""#, #""kind": "workspace", "deployment": null"#),
      (#""id": "var_b","#, #""i\u0064": "var_b","#),
      (#""dep_a""#, #""dép_a""#),
      (#""version": 1"#, #""version": 0"#),
      (#""version": 1"#, #""version": 2"#),
      (#""revision": 2"#, #""revision": 2.0"#),
      // A null where the stored shape wants an object or a list is refused, not read as empty.
      (#""links": {"dep_a": {"value": "x"}}"#, #""links": null"#),
      (#""links": {"dep_a": {"value": "x"}}"#, #""links": {}, "exclusions": null"#),
      (#""links": {"dep_a": {"value": "x"}}"#, #""links": {}, "exclusions": [], "exclusions": []"#),
    ]
    for (original, replacement) in variants {
      let bytes = Array(variable.replacingOccurrences(of: original, with: replacement).utf8)
      #expect(Self.direct(Variable.self, bytes) == nil, "\(replacement)")
      let viaRead = Result { try StoredFile.read(Variable.self, from: bytes, path: "f.json") }
      let viaSlowPath = Result {
        try StoredFile.readSlowly(Variable.self, from: bytes, path: "f.json") { $0 }
      }
      #expect("\(viaRead)" == "\(viaSlowPath)", "\(replacement)")
    }
    for (_, bytes) in Self.foreignShapes {
      #expect(Self.direct(Connection.self, bytes) == nil)
    }
    for (extra, links) in [
      (#""extra": {}, "secretExtraKeys": null"#, #""links": {}"#),
      (#""extra": {}"#, #""links": {"d": {"extraUnset": null}}"#),
      // A member twice, where each is read into the object as it comes.
      (#""extra": {}, "extra": {}"#, #""links": {}"#),
      (#""extra": {}, "secretExtraKeys": [], "secretExtraKeys": []"#, #""links": {}"#),
      (#""extra": {}"#, #""links": {"d": {"extraSet": {}, "extraSet": {}}}"#),
      (#""extra": {}, "host": "a", "host": "b""#, #""links": {}"#),
      (#""extra": {}"#, #""links": {"d": {"fields": {"host": "a", "host": "b"}}}"#),
    ] {
      let bytes = Self.document(extra: extra, links: links)
      #expect(Self.direct(Connection.self, bytes) == nil, "\(extra) \(links)")
      #expect(throws: StoreError.self) { try StoredFile.read(Connection.self, from: bytes, path: "f.json") }
    }
  }

  @Test func everyWrittenShapeReadsTheSameBothWays() throws {
    for connection in Self.connections {
      let (strict, decoded) = try bothPaths(connection)
      #expect(strict != nil, "the fast path stepped aside for \(connection.key)")
      #expect(strict == decoded)
      #expect(decoded == connection)
    }
    for variable in Self.variables {
      let (strict, decoded) = try bothPaths(variable)
      #expect(strict != nil)
      #expect(strict == decoded)
    }
    for deployment in Self.deployments {
      let (strict, decoded) = try bothPaths(deployment)
      #expect(strict != nil)
      #expect(strict == decoded)
    }
  }

  @Test func theDemoWorkspaceReadsTheSameBothWays() throws {
    var workspace = Workspace(id: "ws", name: "demo", stamp: Self.stamp)
    try DemoWorkspace.build(into: &workspace, by: Actor(user: "demo", time: Date()))
    for connection in workspace.connections {
      let (strict, decoded) = try bothPaths(connection)
      #expect(strict == decoded && strict != nil)
    }
    for variable in workspace.variables {
      let (strict, decoded) = try bothPaths(variable)
      #expect(strict == decoded && strict != nil)
    }
  }

  /// A connection file with one member to vary in `base` (EXTRA) and one at the top (LINKS).
  static func document(extra: String = #""extra": {}"#, links: String = #""links": {}"#) -> [UInt8] {
    Array(
      """
      {"version": 1, "id": "con_b", "key": "k", "scope": {"kind": "workspace"},
       "base": {"conn_type": "http", \(extra)}, \(links),
       "stamp": {"revision": 2, "createdAt": "2027-01-15T08:00:03Z", "createdBy": "a",
                 "updatedAt": "2027-01-15T08:00:03Z", "updatedBy": "b"}}
      """.utf8)
  }

  /// Shapes airenv never writes: the fast path must not read them, so the strict slow path's
  /// answer (a value, or a refusal with its reason) is the only one.
  static let foreignShapes: [(String, [UInt8])] = [
    ("a fraction in extra", document(extra: #""extra": {"ratio": 1.5}"#)),
    ("an integral fraction", document(extra: #""extra": {"ratio": 1.0}"#)),
    ("an exponent", document(extra: #""extra": {"ratio": 1e3}"#)),
    ("a duplicate key", document(extra: #""extra": {"a": 1, "a": 2}"#)),
    ("a lone surrogate", document(extra: #""extra": {"a": "\ud800"}"#)),
    ("a leading zero", document(extra: #""extra": {"n": 01}"#)),
    ("a trailing comma", document(extra: #""extra": {"n": 1,}"#)),
    ("a null fields object", document(links: #""links": {"d": {"fields": null}}"#)),
    ("a port out of range", document(links: #""links": {"d": {"fields": {"port": 70000}}}"#)),
    ("a port as text", document(links: #""links": {"d": {"fields": {"port": "5432"}}}"#)),
    ("a password as a number", document(links: #""links": {"d": {"fields": {"password": 5}}}"#)),
  ]

  @Test func foreignShapesAreLeftToJSONDecoder() throws {
    let plain = Self.document(
      extra: #""extra": {"n": -1, "s": "\u00e9\ud83d\ude00"}"#,
      links: #""links": {"d": {"fields": {"port": null, "host": "h"}}}"#)
    let read = try #require(StrictJSONReader.value(of: plain).flatMap(Connection.init(strict:)))
    #expect(read == (try StoredFile.decodeWithJSONDecoder(Connection.self, from: plain, path: "f.json")))
    #expect(read.base.extra["s"] == .string("é😀"))
    for (name, bytes) in Self.foreignShapes {
      let strict = StrictJSONReader.value(of: bytes).flatMap(Connection.init(strict:))
      #expect(strict == nil, "the fast path read \(name)")
      let viaRead = Result { try StoredFile.read(Connection.self, from: bytes, path: "f.json") }
      let viaSlowPath = Result {
        try StoredFile.readSlowly(Connection.self, from: bytes, path: "f.json") { $0 }
      }
      #expect("\(viaRead)" == "\(viaSlowPath)", "\(name)")
    }
  }

  /// Damaged copies of real files: whenever the fast path accepts one, the slow path (strict
  /// syntax, then JSONDecoder) must accept it too and read the same value, so the fast path
  /// never decides differently.
  @Test func damagedFilesNeverReadDifferentlyThanWithJSONDecoder() throws {
    let (accepted, acceptedDirectly) = Self.damaging(Self.connections)
    // Some damage leaves a file the fast paths read (a changed letter in a value, say).
    #expect(accepted > 100, "the fast path read only \(accepted) damaged files")
    #expect(acceptedDirectly > 100, "the direct path read only \(acceptedDirectly) damaged files")
    #expect(Self.damaging(Self.variables).directly > 100)
  }

  /// Reads 3,000 randomly damaged copies of the files of `objects` every way; counts how many
  /// the dictionary path and the direct path read.
  static func damaging<P: StoredPayload & StrictlyReadable & DirectlyReadable>(
    _ objects: [EnvironmentObject<P>]
  )
    -> (dictionaries: Int, directly: Int)
  where P.Override: StrictlyReadable & DirectlyReadable, P: Equatable, P.Override: Equatable {
    typealias Object = EnvironmentObject<P>
    var random = SplitMix(seed: 0x5EED)
    let sources = objects.map { StoredFile.encode($0) }
    let alphabet = Array(#"{}[]",:0123456789-.eE \"u/ntfal"#.utf8) + [0x0A, 0xC3, 0xFF]
    var accepted = 0
    var acceptedDirectly = 0
    for round in 0..<3_000 {
      var bytes = sources[round % sources.count]
      for _ in 0..<(1 + Int(random.next() % 3)) {
        let at = Int(random.next() % UInt64(bytes.count))
        switch random.next() % 3 {
        case 0: bytes[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
        case 1: bytes.remove(at: at)
        default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
        }
      }
      let fast = try? StoredFile.read(Object.self, from: bytes, path: "f.json")
      let slow = try? StoredFile.readSlowly(Object.self, from: bytes, path: "f.json") { $0 }
      if StrictJSONReader.value(of: bytes).flatMap(Object.init(strict:)) != nil { accepted += 1 }
      if let direct = direct(Object.self, bytes) {
        acceptedDirectly += 1
        // What the slow path reads, it reads alike (the model's rules, checked after either,
        // may still refuse it: `fast == slow` below covers the whole read).
        if let slow { #expect(direct == slow) }
      }
      #expect(fast == slow, "round \(round): \(String(decoding: bytes, as: UTF8.self))")
    }
    return (accepted, acceptedDirectly)
  }

  @Test func deepNestingIsLeftToJSONDecoderNotRecursedIntoACrash() {
    let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
    #expect(StrictJSONReader.value(of: deep) == nil)
    let fine = Array((String(repeating: "[", count: 200) + String(repeating: "]", count: 200)).utf8)
    #expect(StrictJSONReader.value(of: fine) != nil)
    // A repository file like that is refused with a reason.
    #expect(throws: StoreError.self) { try StoredFile.decode(Connection.self, from: deep, path: "deep.json") }
  }

  @Test func invalidUTF8IsLeftToJSONDecoder() {
    var bytes = Array(#"{"version": 1, "id": "x"#.utf8)
    bytes += [0xC3, 0x28]
    bytes += Array(#""}"#.utf8)
    #expect(StrictJSONReader.value(of: bytes) == nil)
  }

  @Test func stampsInAnyOtherShapeAreNotReadByHand() {
    #expect(StoredFile.date(fromStamp: "2027-01-15T08:00:03Z") == Date(timeIntervalSince1970: 1_800_000_003))
    for text in [
      "2027-01-15T08:00:03.5Z", "2027-01-15 08:00:03Z", "2027-01-15T08:00:03+01:00", "2027-1-15T08:00:03Z",
    ] {
      #expect(StoredFile.date(fromStamp: text) == nil, "\(text)")
    }
  }
}

@Suite("Reusing decoded files between reads")
struct DecodedFileReuseTests {
  /// A repository that reuses decoded files at once (no settle time), over the files of `temporary`.
  func eager(_ temporary: TemporaryRepository, keyFile: String? = nil) -> Repository {
    Repository(
      root: temporary.path,
      keyring: Keyring(environment: ["AIRENV_KEY_FILE": keyFile ?? temporary.path + ".key"]),
      settleSeconds: 0)
  }

  func demo() throws -> TemporaryRepository { try TemporaryRepository.demo() }

  @Test func anEditInPlaceThatKeepsSizeAndModificationTimeIsStillSeen() throws {
    let temporary = try demo()
    let repository = eager(temporary)
    let before = try repository.read(workspace: nil)
    let variable = try before.variable(ObjectReference(.variable, "alert_email"))
    let relative = "workspaces/\(before.id)/variables/\(variable.id).json"
    let path = temporary.path + "/" + relative
    var status = stat()
    #expect(stat(path, &status) == 0)
    // Same length, same modification time: only the inode's change time tells.
    let text = String(decoding: try temporary.bytes(relative), as: UTF8.self)
    let edited = text.replacingOccurrences(
      of: variable.base.value, with: String(repeating: "x", count: variable.base.value.utf8.count))
    #expect(edited.utf8.count == text.utf8.count && edited != text)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.write(contentsOf: Data(edited.utf8))
    try handle.close()
    var times = [status.st_atim, status.st_mtim]
    #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)

    let after = try repository.read(workspace: nil)
    #expect(try after.variable(ObjectReference(.variable, "alert_email")).base.value.allSatisfy { $0 == "x" })
  }

  @Test func addedAndRemovedFilesAreSeen() throws {
    let temporary = try demo()
    let repository = eager(temporary)
    let before = try repository.read(workspace: nil)
    try temporary.apply(.delete(ObjectReference(.variable, "alert_email")))
    try temporary.apply(
      .createVariable(key: "fresh", fields: VariableChanges(value: "1"), sharing: .linkedToAll))
    let after = try repository.read(workspace: nil)
    #expect(after.variables.count == before.variables.count)
    #expect(after.variables.contains { $0.key == "fresh" })
    #expect(!after.variables.contains { $0.key == "alert_email" })
  }

  @Test func aDifferentKeyNeverSeesSecretsOpenedWithTheOldOne() throws {
    let temporary = try demo()
    let keyFile = temporary.path + ".key"
    let repository = eager(temporary, keyFile: keyFile)
    let opened = try repository.read(workspace: nil)
    let reference = ObjectReference(.connection, "warehouse_db")
    let password = try #require(try opened.connection(reference).base.fields[.password])
    #expect(Secrecy.lock(of: password) == nil)
    // The same files, read after the key file was replaced by another key.
    try Data((EncryptionKey.generate().base64 + "\n").utf8).write(to: URL(fileURLWithPath: keyFile))
    let reread = try repository.read(workspace: nil)
    let locked = try #require(try reread.connection(reference).base.fields[.password])
    #expect(Secrecy.lock(of: locked) != nil)
  }

  @Test func filesThatWentAwayAreForgottenEvenWhenTheCountStaysTheSame() {
    let cache = DecodedFileCache<Int>()
    let signature = FileSignature(stat())
    cache.store(1, in: "d", named: "a.json", signature: signature, variant: "")
    cache.store(2, in: "d", named: "b.json", signature: signature, variant: "")
    // b.json deleted, c.json created: still two files, so b is kept for a while …
    cache.keepOnly(["a.json", "c.json"], in: "d")
    #expect(cache.value(in: "d", named: "b.json", signature: signature, variant: "") == 2)
    // … but not for ever; with fewer files listed it goes at once.
    for _ in 0..<63 { cache.keepOnly(["a.json", "c.json"], in: "d") }
    #expect(cache.value(in: "d", named: "b.json", signature: signature, variant: "") == nil)
    #expect(cache.value(in: "d", named: "a.json", signature: signature, variant: "") == 1)
    cache.keepOnly([], in: "d")
    #expect(cache.isEmpty("d"))
  }

  @Test func aFileChangedThisSecondIsReadAgainUntilItSettles() throws {
    let now = time(nil)
    var status = stat()
    status.st_mtim = timespec(tv_sec: now, tv_nsec: 0)
    status.st_ctim = timespec(tv_sec: now - 1, tv_nsec: 0)
    let signature = FileSignature(status)
    #expect(!signature.isSettled(now: now, after: 2))
    #expect(signature.isSettled(now: now + 2, after: 2))
  }
}

/// A small seeded generator, so that a failing round can be replayed.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
