package dev.ferry.core.spec;

/** Makes {@link SpecException}s that start with the spec file name and, when known, the line. */
final class Problems {
    private final String fileName;

    Problems(String fileName) {
        this.fileName = fileName;
    }

    SpecException at(int line, String message) {
        return new SpecException(line > 0 ? fileName + ":" + line + ": " + message : fileName + ": " + message);
    }

    SpecException file(String message) {
        return at(0, message);
    }
}
