package dev.ferry.testkit;

/** The server could not bind its port because something else took it first; worth another port. */
final class PortTakenException extends IllegalStateException {

    PortTakenException(String message) {
        super(message);
    }
}
