import AirenvModel
import Foundation

/// Connects to a target's Airflow and reads what it holds on a thread of its own, so that a
/// plan resolves the Workspace and reads its delivery record while the server answers.
public final class LiveReading: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  // Written once by the reading thread before `done` is signalled, read only after waiting.
  private var outcome: Result<(AirflowClient, LiveState), DeliveryError>?

  public init(target: DeliveryTarget) {
    Thread.detachNewThread { [self] in
      outcome = Result { () throws(DeliveryError) in
        let client = try AirflowClient(target: target)
        return (client, try client.liveState())
      }
      done.signal()
    }
  }

  /// The client and what it read, once the reading has ended.
  public func wait() throws(DeliveryError) -> (client: AirflowClient, live: LiveState) {
    done.wait()
    guard let outcome else { throw .refused("the reading ended without an answer") }
    return try outcome.get()
  }
}
