import AirenvFormats
import AirenvModel

/// One change to send to Airflow.
public enum DeliveryOperation: Sendable {
  case createConnection(ExportConnection)
  case updateConnection(ExportConnection)
  case deleteConnection(String)
  case createVariable(ExportVariable)
  case updateVariable(ExportVariable)
  case deleteVariable(String)

  public var kind: ObjectKind {
    switch self {
    case .createConnection, .updateConnection, .deleteConnection: .connection
    default: .variable
    }
  }

  public var id: String {
    switch self {
    case .createConnection(let connection), .updateConnection(let connection): connection.connId
    case .deleteConnection(let id), .deleteVariable(let id): id
    case .createVariable(let variable), .updateVariable(let variable): variable.key
    }
  }

  /// create, update or delete: the bulk action it belongs to.
  var action: String {
    switch self {
    case .createConnection, .createVariable: "create"
    case .updateConnection, .updateVariable: "update"
    case .deleteConnection, .deleteVariable: "delete"
    }
  }

  /// The entity Airflow's API takes; every field is sent, null where unset, so an update
  /// clears what the model no longer has. Never a value read from the server.
  func entity(for api: AirflowClient.API) -> JSONValue {
    switch self {
    case .createConnection(let connection), .updateConnection(let connection):
      var members: [String: JSONValue] = [
        "connection_id": .string(connection.connId), "conn_type": .string(connection.connType),
      ]
      for (name, value) in [
        ("description", connection.description), ("host", connection.host), ("schema", connection.schema),
        ("login", connection.login),
      ] {
        members[name] = value.map(JSONValue.string) ?? .null
      }
      members["port"] = connection.port.map { .integer(Int64($0)) } ?? .null
      // A password cannot be cleared through the API: clearing is a delete and a create.
      if let password = connection.password { members["password"] = .string(password) }
      members["extra"] =
        connection.extra.isEmpty ? .null : .string(JSONValue.object(connection.extra).compactText)
      return .object(members)
    case .createVariable(let variable), .updateVariable(let variable):
      // 2.10 refuses a null description: an empty one means none there.
      let none: JSONValue = api == .v1 ? .string("") : .null
      return .object([
        "key": .string(variable.key), "value": .string(variable.value),
        "description": variable.description.map(JSONValue.string) ?? none,
      ])
    case .deleteConnection(let id), .deleteVariable(let id):
      return .string(id)
    }
  }
}

/// What became of the operations of one apply: those Airflow confirmed, and why each other failed.
public struct DeliveryOutcome: Sendable {
  public var succeeded: [DeliveryOperation] = []
  public var failed: [(DeliveryOperation, String)] = []
  /// Why the endpoint wrote nothing at all (a directory that cannot be written), when so.
  public var unwritten: String?

  public init() {}
}

extension AirflowClient {
  /// Sends operations in order: on 3.x in bulk requests of at most 100 entities, each answer's
  /// per-item errors checked (a bulk request answers 200 even when items fail, and is not
  /// atomic); on 2.10 one request per object. `progress` is told how many are done.
  public func send(_ operations: [DeliveryOperation], progress: (Int) -> Void = { _ in }) -> DeliveryOutcome {
    var outcome = DeliveryOutcome()
    var done = 0
    var index = 0
    while index < operations.count {
      let first = operations[index]
      var batch = [first]
      index += 1
      while api == .v2, batch.count < 100, index < operations.count, operations[index].kind == first.kind,
        operations[index].action == first.action
      {
        batch.append(operations[index])
        index += 1
      }
      if api == .v2 {
        sendBulk(batch, into: &outcome)
      } else {
        sendOne(first, into: &outcome)
      }
      done += batch.count
      progress(done)
    }
    return outcome
  }

  private func sendBulk(_ batch: [DeliveryOperation], into outcome: inout DeliveryOutcome) {
    let kind = batch[0].kind
    let path = kind == .connection ? "/connections" : "/variables"
    var action: [String: JSONValue] = [
      "action": .string(batch[0].action), "entities": .array(batch.map { $0.entity(for: api) }),
    ]
    switch batch[0].action {
    case "create": action["action_on_existence"] = .string("fail")
    default: action["action_on_non_existence"] = .string("fail")
    }
    do throws(DeliveryError) {
      let json = try require("PATCH", path, body: .object(["actions": .array([.object(action)])]))
      let result = json?.objectValue?[batch[0].action]?.objectValue
      let succeeded = Set((result?["success"]?.arrayValue ?? []).compactMap(\.stringValue))
      let errors = (result?["errors"]?.arrayValue ?? []).compactMap { error in
        error.objectValue?["error"].map { $0.stringValue ?? $0.compactText }
      }
      for operation in batch {
        if succeeded.contains(operation.id) {
          outcome.succeeded.append(operation)
        } else if batch.count > 1 && !errors.isEmpty {
          // A failing item fails its whole action: the others are sent again one by one.
          sendBulk([operation], into: &outcome)
        } else {
          outcome.failed.append((operation, errors.first ?? "not confirmed by the server"))
        }
      }
    } catch {
      for operation in batch { outcome.failed.append((operation, error.message)) }
    }
  }

  private func sendOne(_ operation: DeliveryOperation, into outcome: inout DeliveryOutcome) {
    let collection = operation.kind == .connection ? "/connections" : "/variables"
    let item = collection + "/" + Self.escaped(operation.id)
    do throws(DeliveryError) {
      switch operation {
      case .createConnection, .createVariable:
        _ = try require("POST", collection, body: operation.entity(for: api), expected: [200, 201])
      case .updateConnection, .updateVariable:
        _ = try require("PATCH", item, body: operation.entity(for: api))
      case .deleteConnection, .deleteVariable:
        _ = try require("DELETE", item, expected: [204, 200])
      }
      outcome.succeeded.append(operation)
    } catch {
      outcome.failed.append((operation, error.message))
    }
  }
}
