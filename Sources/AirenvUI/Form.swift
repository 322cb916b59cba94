import AirenvModel

/// A form field: a line of text, a secret, a yes/no toggle or a choice among options.
public struct FormField: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    case text
    case secret
    case toggle
    case choice([String])
    case readOnly
  }

  public var name: String
  public var label: String
  public var kind: Kind
  public var editor: LineEditor
  /// In an override form: the value the Deployment inherits.
  public var base: String?
  /// In an override form: whether the field is overridden (an empty override is still one).
  public var isSet: Bool
  public var wasSet: Bool
  /// In an override form: an inherited extra key this Deployment does not get.
  public var removed = false
  public var wasRemoved = false
  public var error: String?
  /// The value the form opened with, to tell an edited secret from an untouched one.
  public var original: String

  public init(
    _ name: String, _ label: String, kind: Kind = .text, value: String = "", base: String? = nil,
    isSet: Bool = false
  ) {
    self.name = name
    self.label = label
    self.kind = kind
    editor = LineEditor(value)
    original = value
    self.base = base
    self.isSet = isSet
    wasSet = isSet
  }

  public var value: String { editor.text }
  public var isOn: Bool { editor.text == "yes" }
}

/// A form over the model: what it creates or changes, its fields and which has focus.
public struct Form: Equatable, Sendable {
  public enum Purpose: Equatable, Sendable {
    case createConnection
    case editConnection(ObjectReference)
    case createVariable
    case editVariable(ObjectReference)
    case override(ObjectReference, deployment: String)
    case createDeployment
    case renameDeployment(String)
    case renameObject(ObjectReference)
    case createWorkspace
    case renameWorkspace(WorkspaceEntry)
  }

  public var title: String
  public var purpose: Purpose
  public var fields: [FormField]
  public var focus: Int = 0
  /// Set while the runtime saves; cleared by the outcome.
  public var saving = false
  public var error: String?

  public var isOverride: Bool {
    if case .override = purpose { return true }
    return false
  }

  public func field(_ name: String) -> FormField? { fields.first { $0.name == name } }

  public mutating func set(_ name: String, _ value: String) {
    guard let index = fields.firstIndex(where: { $0.name == name }) else { return }
    fields[index].editor = LineEditor(value)
  }
}
