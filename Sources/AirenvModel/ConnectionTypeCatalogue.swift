/// The common connection types (SPEC §7.3): each type's form fields, which map to standard
/// columns and which to `extra` keys, defaults and secrets. The TUI's forms and the CLI read
/// the same data; a type that is not listed is edited generically.
public struct ConnectionType: Sendable, Equatable {
  public struct Field: Sendable, Equatable {
    /// Where the value is stored.
    public enum Target: Sendable, Equatable {
      case column(ConnectionField)
      case extra(String)
    }

    public var target: Target
    public var label: String
    public var defaultValue: String?
    public var isSecret: Bool
    public var isRequired: Bool

    public init(
      _ target: Target, _ label: String, default defaultValue: String? = nil, secret: Bool = false,
      required: Bool = false
    ) {
      self.target = target
      self.label = label
      self.defaultValue = defaultValue
      self.isSecret = secret || target == .column(.password)
      self.isRequired = required
    }
  }

  public var id: String
  public var name: String
  public var fields: [Field]

  /// Extra keys this type keeps secret besides those secret by name.
  public var secretExtraKeys: Set<String> {
    Set(
      fields.compactMap { field in
        if case .extra(let key) = field.target, field.isSecret { return key }
        return nil
      })
  }
}

public enum ConnectionTypeCatalogue {
  typealias Field = ConnectionType.Field

  static let host = Field(.column(.host), "Host")
  static let schema = Field(.column(.schema), "Schema")
  static let database = Field(.column(.schema), "Database")
  static let login = Field(.column(.login), "Login")
  static let password = Field(.column(.password), "Password")
  static func port(_ value: String?) -> Field { Field(.column(.port), "Port", default: value) }

  public static let types: [ConnectionType] = [
    ConnectionType(id: "generic", name: "Generic", fields: [host, schema, login, password, port(nil)]),
    ConnectionType(
      id: "http", name: "HTTP",
      fields: [
        Field(.column(.host), "Host (base URL)"), Field(.column(.schema), "Scheme"), login, password,
        port(nil),
      ]),
    ConnectionType(
      id: "postgres", name: "Postgres",
      fields: [host, database, login, password, port("5432"), Field(.extra("sslmode"), "SSL mode")]),
    ConnectionType(id: "mysql", name: "MySQL", fields: [host, schema, login, password, port("3306")]),
    ConnectionType(
      id: "mssql", name: "Microsoft SQL Server", fields: [host, schema, login, password, port("1433")]),
    ConnectionType(id: "sqlite", name: "SQLite", fields: [Field(.column(.host), "Database file path")]),
    ConnectionType(
      id: "snowflake", name: "Snowflake",
      fields: [
        Field(.column(.login), "User"), password, Field(.column(.schema), "Schema"),
        Field(.extra("account"), "Account", required: true), Field(.extra("warehouse"), "Warehouse"),
        Field(.extra("database"), "Database"), Field(.extra("region"), "Region"),
        Field(.extra("role"), "Role"),
        Field(.extra("private_key_content"), "Private key (PEM)", secret: true),
      ]),
    ConnectionType(
      id: "aws", name: "Amazon Web Services",
      fields: [
        Field(.column(.login), "AWS Access Key ID"), Field(.column(.password), "AWS Secret Access Key"),
        Field(.extra("region_name"), "Region"), Field(.extra("role_arn"), "Role ARN"),
        Field(.extra("aws_session_token"), "Session token", secret: true),
        Field(.extra("endpoint_url"), "Endpoint URL (S3-compatible storage)"),
      ]),
    ConnectionType(
      id: "google_cloud_platform", name: "Google Cloud",
      fields: [
        Field(.extra("project"), "Project ID"), Field(.extra("keyfile_dict"), "Keyfile JSON", secret: true),
        Field(.extra("key_path"), "Keyfile path"), Field(.extra("num_retries"), "Retries", default: "5"),
      ]),
    ConnectionType(
      id: "gcpbigquery", name: "Google BigQuery",
      fields: [
        Field(.extra("project"), "Project ID"), Field(.extra("keyfile_dict"), "Keyfile JSON", secret: true),
        Field(.extra("location"), "Location"),
      ]),
    ConnectionType(
      id: "wasb", name: "Azure Blob Storage",
      fields: [
        Field(.column(.login), "Storage account name"), Field(.column(.password), "Account key"),
        Field(.extra("connection_string"), "Connection string", secret: true),
        Field(.extra("sas_token"), "SAS token", secret: true), Field(.extra("tenant_id"), "Tenant ID"),
      ]),
    ConnectionType(
      id: "azure", name: "Azure",
      fields: [
        Field(.column(.login), "Client ID"), Field(.column(.password), "Client secret"),
        Field(.extra("tenantId"), "Tenant ID"), Field(.extra("subscriptionId"), "Subscription ID"),
      ]),
    ConnectionType(
      id: "databricks", name: "Databricks",
      fields: [
        Field(.column(.host), "Workspace URL"), Field(.column(.password), "Personal access token"),
        Field(.extra("http_path"), "HTTP path"),
      ]),
    ConnectionType(
      id: "redshift", name: "Amazon Redshift",
      fields: [host, database, Field(.column(.login), "User"), password, port("5439")]),
    ConnectionType(
      id: "slack", name: "Slack API",
      fields: [Field(.column(.password), "Slack API token"), Field(.extra("timeout"), "Timeout (s)")]),
    ConnectionType(
      id: "slackwebhook", name: "Slack Incoming Webhook",
      fields: [Field(.column(.host), "Webhook endpoint"), Field(.column(.password), "Webhook token")]),
    ConnectionType(
      id: "ssh", name: "SSH",
      fields: [
        host, Field(.column(.login), "Username"), password, port("22"),
        Field(.extra("key_file"), "Private key file"),
        Field(.extra("private_key"), "Private key", secret: true),
      ]),
    ConnectionType(
      id: "sftp", name: "SFTP",
      fields: [
        host, Field(.column(.login), "Username"), password, port("22"),
        Field(.extra("private_key"), "Private key", secret: true),
      ]),
  ]

  public static func type(_ id: String) -> ConnectionType? { types.first { $0.id == id } }
}
