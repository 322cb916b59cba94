import Foundation
import Synchronization

/// SIGTERM, SIGHUP (the SSH connection dropped), SIGINT, SIGQUIT, and every other signal whose
/// default is to end the process (SIGPIPE, SIGUSR1, SIGALRM, SIGIO, SIGPWR, SIGRTMIN… ) end the TUI
/// through its ordinary way out — the terminal restored, a demo repository removed — rather
/// than where it stands. (The fatal ones are handled by the terminal's crash guard.)
/// The handler only records the signal (an atomic store is safe in a handler); the key loops,
/// which wake at least once a second, act on it.
enum QuitSignal {
  private static let received = Atomic<Int32>(0)

  /// Installed before ncurses starts, which then leaves these signals to us.
  static func install() {
    _ = pending  // initialises the flag here, never first inside a handler
    // SIGQUIT would dump core (and Swift's runtime prints a crash report over the screen);
    // from a terminal it asks to quit, so it does. The real-time signals end a process too.
    let realTime = Array(__libc_current_sigrtmin()...__libc_current_sigrtmax())
    for number in [
      SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
      SIGXFSZ, SIGIO, SIGPWR, SIGSTKFLT,
    ] + realTime {
      signal(number) { QuitSignal.received.store($0, ordering: .relaxed) }
    }
  }

  /// The signal that asked the TUI to quit, if one did.
  static var pending: Int32? {
    let number = received.load(ordering: .relaxed)
    return number == 0 ? nil : number
  }
}
