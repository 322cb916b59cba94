/// Where a view writes its JSON, value by value. The same code then makes both the pretty
/// text of `--output json`, written as it is made (`PrettyJSONText`), and the `JSONValue` that
/// YAML and `Encodable` use (`JSONValueBuilder`): a view's shape is defined once, and a listing
/// of 10,000 objects is not first built as dictionaries only to be sorted and written.
///
/// An object's members are written in `JSONEncoder`'s `.sortedKeys` order (by UTF-8 bytes,
/// `JSONValue.precedesInEncoderOrder`); `PrettyJSONText` writes them as they come, and the
/// tests compare its text with the built value's.
public protocol JSONWriter {
  /// An object; `members` writes each member as `member(key)` followed by one value.
  mutating func object(_ members: (inout Self) -> Void)
  /// A list; `items` writes each item as one value.
  mutating func array(_ items: (inout Self) -> Void)
  /// A list of views (written on every core when it is long).
  mutating func items<Item: JSONWritable>(_ items: [Item])
  /// The key of the member whose value is written next.
  mutating func member(_ key: String)
  mutating func value(_ value: JSONValue)
}

/// A view that writes itself as JSON (see `JSONWriter`).
public protocol JSONWritable: Sendable {
  func writeJSON<Writer: JSONWriter>(to writer: inout Writer)
}

extension JSONWriter {
  public mutating func member(_ key: String, _ value: JSONValue) {
    member(key)
    self.value(value)
  }

  /// A member that is left out when nil, as the synthesized `Encodable` of an optional
  /// property leaves it out.
  public mutating func member(_ key: String, _ value: JSONValue?) {
    if let value { member(key, value) }
  }

  public mutating func member(_ key: String, _ view: some JSONWritable) {
    member(key)
    view.writeJSON(to: &self)
  }

  public mutating func member(_ key: String, strings: [String]) {
    member(key)
    array { writer in for text in strings { writer.value(.string(text)) } }
  }

  /// An object of a dictionary's members, put in the encoder's order.
  public mutating func object<Value>(sorting members: [String: Value], _ write: (inout Self, Value) -> Void) {
    object { writer in
      for (key, value) in members.sorted(by: { JSONValue.precedesInEncoderOrder($0.key, $1.key) }) {
        writer.member(key)
        write(&writer, value)
      }
    }
  }
}

extension Array: JSONWritable where Element: JSONWritable {
  public func writeJSON<Writer: JSONWriter>(to writer: inout Writer) { writer.items(self) }
}

/// The `JSONValue` a view writes.
public struct JSONValueBuilder: JSONWriter {
  /// The containers being filled, innermost last; an object's next key beside it.
  private var objects: [[String: JSONValue]] = []
  private var keys: [String?] = []
  private var arrays: [[JSONValue]] = []
  private var openObjects: [Bool] = []
  public private(set) var result: JSONValue = .null

  public init() {}

  public static func value(of view: some JSONWritable) -> JSONValue {
    var builder = JSONValueBuilder()
    view.writeJSON(to: &builder)
    return builder.result
  }

  public mutating func object(_ members: (inout Self) -> Void) {
    objects.append([:])
    keys.append(nil)
    openObjects.append(true)
    members(&self)
    openObjects.removeLast()
    keys.removeLast()
    value(.object(objects.removeLast()))
  }

  public mutating func array(_ items: (inout Self) -> Void) {
    arrays.append([])
    openObjects.append(false)
    items(&self)
    openObjects.removeLast()
    value(.array(arrays.removeLast()))
  }

  public mutating func items<Item: JSONWritable>(_ items: [Item]) {
    array { builder in for item in items { item.writeJSON(to: &builder) } }
  }

  public mutating func member(_ key: String) { keys[keys.count - 1] = key }

  public mutating func value(_ value: JSONValue) {
    guard let inObject = openObjects.last else {
      result = value
      return
    }
    if inObject {
      objects[objects.count - 1][keys[keys.count - 1]!] = value
    } else {
      arrays[arrays.count - 1].append(value)
    }
  }
}

/// Pretty JSON text written as it is made: byte for byte what `JSONValue.prettyText` writes
/// for the value a `JSONValueBuilder` would build from the same calls. With `deliver`, the
/// text is handed on in pieces of about `pieceSize` bytes, each ending after a list item.
public struct PrettyJSONText: JSONWriter {
  public private(set) var bytes: [UInt8] = []
  /// The containers open, innermost last: whether each is a list, and whether it has had a
  /// member or item yet.
  private var containers: [(isList: Bool, hasContent: Bool)] = []
  /// The level of the value this text starts at (an item of a list made on another core).
  private let baseLevel: Int
  private let pieceSize: Int
  private let deliver: (([UInt8]) -> Void)?

  public init() { self.init(level: 0, pieceSize: .max, deliver: nil) }

  public init(inPiecesOf pieceSize: Int = 256 * 1024, to deliver: @escaping ([UInt8]) -> Void) {
    self.init(level: 0, pieceSize: pieceSize, deliver: deliver)
  }

  private init(level: Int, pieceSize: Int, deliver: (([UInt8]) -> Void)?) {
    baseLevel = level
    self.pieceSize = pieceSize
    self.deliver = deliver
  }

  public var text: String { String(decoding: bytes, as: UTF8.self) }

  /// Hands on what is left (with `deliver`).
  public mutating func finish() {
    guard let deliver, !bytes.isEmpty else { return }
    deliver(bytes)
    bytes.removeAll(keepingCapacity: true)
  }

  private var level: Int { baseLevel + containers.count }

  public mutating func object(_ members: (inout Self) -> Void) {
    container(isList: false, open: "{\n", close: "}", members)
  }

  public mutating func array(_ items: (inout Self) -> Void) {
    container(isList: true, open: "[\n", close: "]", items)
  }

  public mutating func items<Item: JSONWritable>(_ items: [Item]) {
    guard items.count >= Self.itemsWrittenOnEveryCore else {
      array { text in
        for item in items {
          item.writeJSON(to: &text)
          text.itemEnded()
        }
      }
      return
    }
    // A listing or resolve of thousands of objects: each item's text made on every core.
    let itemLevel = level + 1
    let texts = items.concurrentMap { item in
      var text = PrettyJSONText(level: itemLevel, pieceSize: .max, deliver: nil)
      text.bytes.reserveCapacity(1024)
      item.writeJSON(to: &text)
      return text.bytes
    }
    array { text in
      for itemText in texts {
        text.beginValue()
        text.bytes.append(contentsOf: itemText)
        text.itemEnded()
      }
    }
  }

  public mutating func member(_ key: String) {
    separate()
    bytes.write(JSONValue.indent(level))
    JSONValue.quote(key, into: &bytes, shortBackspaceAndFormFeed: true)
    bytes.write(" : ")
  }

  public mutating func value(_ value: JSONValue) {
    beginValue()
    value.writePretty(to: &bytes, level: level)
  }

  private static let itemsWrittenOnEveryCore = 256

  private mutating func container(isList: Bool, open: String, close: String, _ body: (inout Self) -> Void) {
    beginValue()
    bytes.write(open)
    containers.append((isList, false))
    body(&self)
    containers.removeLast()
    bytes.write("\n")
    bytes.write(JSONValue.indent(level))
    bytes.write(close)
  }

  /// A list item starts on a line of its own; an object's value follows its key.
  private mutating func beginValue() {
    guard containers.last?.isList == true else { return }
    separate()
    bytes.write(JSONValue.indent(level))
  }

  private mutating func separate() {
    if containers[containers.count - 1].hasContent { bytes.write(",\n") }
    containers[containers.count - 1].hasContent = true
  }

  private mutating func itemEnded() {
    guard let deliver, bytes.count >= pieceSize else { return }
    deliver(bytes)
    bytes.removeAll(keepingCapacity: true)
  }
}
