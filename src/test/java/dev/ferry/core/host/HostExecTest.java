package dev.ferry.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostExecTest {
    /** Quotes, dollars, globs, semicolons, backslashes, newlines: all must reach the host's sh unchanged. */
    private static final String NASTY = "printf '%s|' \"it's\" '$HOME' '*' 'a;b' 'back\\slash' && echo \"x  y\"";
    private static final String NASTY_OUT = "it's|$HOME|*|a;b|back\\slash|x  y";

    @TempDir
    Path dir;

    @Test
    void quoteSurvivesOneShellParse() {
        assertEquals("'it'\\''s'", ShellQuote.quote("it's"));
        assertEquals("plain/path-1.conf", ShellQuote.quoteIfNeeded("plain/path-1.conf"));
        assertEquals("'a b'", ShellQuote.quoteIfNeeded("a b"));
    }

    @Test
    void splitPrefixOnWhitespace() {
        assertEquals(List.of("ssh", "root@198.18.0.1"), HostExec.splitPrefix("  ssh   root@198.18.0.1 "));
        assertEquals(List.of(), HostExec.splitPrefix(" "));
    }

    @Test
    void localShellCommandArrivesIntact() {
        HostExec local = new HostExec("local", List.of(), Duration.ofSeconds(5), Redactor.NONE);
        assertFalse(local.throughRemoteShell());
        assertEquals(List.of("sh", "-c", NASTY), local.shellArgv(NASTY));
        assertEquals(NASTY_OUT, local.shell(NASTY).stdout().strip());
    }

    /** A stand-in for ssh that behaves like it: joins its arguments with spaces and hands them to a shell. */
    @Test
    void throughARemoteShellEveryArgumentIsQuotedOnce() throws IOException {
        Path fakeSsh = dir.resolve("ssh");
        Files.writeString(fakeSsh, "#!/bin/sh\nshift\nexec sh -c \"$*\"\n");
        Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwx------"));
        HostExec remote = new HostExec("b", List.of(fakeSsh.toString(), "root@b"), Duration.ofSeconds(5), Redactor.NONE);
        assertTrue(remote.throughRemoteShell());
        ExecResult result = remote.shell(NASTY);
        assertTrue(result.ok(), result::failure);
        assertEquals(NASTY_OUT, result.stdout().strip());
    }

    @Test
    void stdinReachesTheCommand() {
        HostExec local = new HostExec("local", List.of(), Duration.ofSeconds(5), Redactor.NONE);
        assertEquals("two lines\nhere", local.shell("cat", "two lines\nhere\n").stdout().strip());
    }

    @Test
    void exitCodeAndStderrAreCaptured() {
        ExecResult r = new HostExec("a", List.of(), Duration.ofSeconds(5), Redactor.NONE).shell("echo oops >&2; exit 3");
        assertFalse(r.ok());
        assertEquals(3, r.exitCode());
        assertTrue(r.failure().contains("exited 3 (oops)"), r.failure());
    }

    @Test
    void aHangingCommandTimesOut() {
        long start = System.nanoTime();
        ExecResult r = new HostExec("a", List.of(), Duration.ofMillis(300), Redactor.NONE).shell("sleep 20");
        assertTrue(r.timedOut());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }

    @Test
    void secretsAreRedactedFromOutputAndCommand() {
        Redactor redactor = new Redactor(List.of("s3cret"));
        ExecResult r = new HostExec("a", List.of(), Duration.ofSeconds(5), redactor)
                .shell("echo s3cret; printf '    auth_pass hunter2\\n'");
        assertFalse(r.stdout().contains("s3cret"), r.stdout());
        assertFalse(r.stdout().contains("hunter2"), r.stdout());
        assertFalse(r.command().contains("s3cret"), r.command());
        assertTrue(r.stdout().contains("auth_pass ***"), r.stdout());
    }
}
